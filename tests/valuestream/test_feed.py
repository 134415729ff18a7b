"""Control points fed from the call log: exact values per working day; a rerun writes
nothing new."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from standardwork.models import ControlPoint, Measurement
from standardwork.services import cycles as cycle_services
from tests.valuestream.conftest import at, prospects
from valuestream.models import CallLog, FeedValue
from valuestream.services import feed

pytestmark = pytest.mark.django_db


def _log(campaign, caller, prospect, day: date, disposition: str):
    CallLog.objects.create(
        campaign=campaign, prospect=prospect, caller=caller, disposition=disposition,
        called_at=at(f"{day.isoformat()} 10:00"), called_on=day,
    )  # fmt: skip


@pytest.fixture
def fed(org, campaign):
    points = {}
    for metric, name, unit in [
        ("connect_rate", "Connect rate", "%"),
        ("calls", "Calls per day", "calls"),
        ("meetings", "Meetings booked", "meetings"),
    ]:
        point = cycle_services.control_point_create(
            actor=org["leader"], team=org["team"], name=name, unit=unit
        )
        feed.feed_attach(control_point=point, metric=metric)
        points[metric] = point
    (prospect,) = prospects(org["team"], 1)
    monday, tuesday = date(2026, 11, 23), date(2026, 11, 24)
    for disposition in ["connect", "voicemail", "voicemail", "meeting"]:
        _log(campaign, org["member"], prospect, monday, disposition)
    for disposition in ["not_interested", "call_back", "voicemail"]:
        _log(campaign, org["leader"], prospect, tuesday, disposition)
    _log(campaign, org["member"], prospect, date(2026, 11, 21), "connect")  # Saturday
    return points


def values(point: ControlPoint) -> dict[date, Decimal]:
    return dict(Measurement.objects.filter(control_point=point).values_list("measured_on", "value"))


def test_the_values_are_exact_per_working_day(fed):
    written = feed.control_points_feed(now=at("2026-11-25 10:00"))

    assert values(fed["connect_rate"]) == {
        date(2026, 11, 23): Decimal("50.0"), date(2026, 11, 24): Decimal("33.3"),
    }  # fmt: skip
    assert values(fed["calls"]) == {date(2026, 11, 23): 4, date(2026, 11, 24): 3}
    assert values(fed["meetings"]) == {date(2026, 11, 23): 1, date(2026, 11, 24): 0}
    assert written == 6  # the Saturday is no working day; Friday the 20th is before any call


def test_a_rerun_writes_nothing_new(fed):
    feed.control_points_feed(now=at("2026-11-25 10:00"))
    before = list(Measurement.objects.order_by("pk").values_list("pk", "value"))

    again = feed.control_points_feed(now=at("2026-11-25 10:15"))

    assert again == 0
    assert list(Measurement.objects.order_by("pk").values_list("pk", "value")) == before


def test_a_call_logged_late_corrects_its_day(org, campaign, fed):
    feed.control_points_feed(now=at("2026-11-25 10:00"))
    prospect = CallLog.objects.first().prospect
    _log(campaign, org["member"], prospect, date(2026, 11, 24), "meeting")

    written = feed.control_points_feed(now=at("2026-11-25 11:00"))

    assert values(fed["calls"])[date(2026, 11, 24)] == 4
    assert values(fed["meetings"])[date(2026, 11, 24)] == 1
    assert values(fed["connect_rate"])[date(2026, 11, 24)] == Decimal("50.0")
    assert written == 3
    assert FeedValue.objects.count() == 6


def test_a_value_entered_by_hand_is_kept(org, fed):
    cycle_services.measurement_record(
        actor=org["leader"], control_point_id=fed["calls"].pk, value=Decimal(9),
        measured_on=date(2026, 11, 23), confirm_date=True, now=at("2026-11-25 09:00"),
    )  # fmt: skip

    feed.control_points_feed(now=at("2026-11-25 10:00") + timedelta(minutes=1))

    assert values(fed["calls"]) == {date(2026, 11, 23): 9, date(2026, 11, 24): 3}
