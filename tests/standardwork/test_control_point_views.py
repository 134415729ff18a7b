"""The control-point pages as a person uses them: questioned dates and days, correcting and
voiding a value, recording a process change, dates with their year, and one count of
flags on every page. Every refusal also proves nothing was written."""

from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from standardwork import calendar
from standardwork.models import (
    ControlPoint,
    ControlPointBaseline,
    Cycle,
    CycleEvent,
    Measurement,
    MeasurementChange,
    Notice,
)
from standardwork.services import cycles as cycle_services
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, *args) -> str:
    return reverse(f"standardwork:{name}", args=args)


def today(org) -> date:
    return calendar.team_today(org["team"])


@pytest.fixture
def point(org) -> ControlPoint:
    """Calls per day, set up 60 days ago."""
    point = cycle_services.control_point_create(
        actor=org["coordinator"], team=org["team"], name="Calls per day", unit="calls",
        upper_limit=D(80),
    )  # fmt: skip
    set_up = point.created_at - timedelta(days=60)
    ControlPoint.objects.filter(pk=point.pk).update(created_at=set_up)
    point.refresh_from_db()
    return point


def record(org, point, value, day, actor=None) -> Measurement:
    return cycle_services.measurement_record(
        actor=actor or org["member"], control_point_id=point.pk, value=D(str(value)),
        measured_on=day, confirm_date=True,
    )  # fmt: skip


def written() -> tuple:
    return (
        list(Measurement.objects.values_list("value", "measured_on", "voided_at")),
        MeasurementChange.objects.count(),
        ControlPointBaseline.objects.count(),
        Notice.objects.count(),
    )


# --- the quick entry asks -------------------------------------------------------------


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_date_before_the_control_point_asks_for_a_confirmation_then_records(
    client, org, point, htmx
):
    client.force_login(org["member"])
    early = (point.created_at - timedelta(days=3)).date()
    before = written()

    asked = client.post(
        url("measurement_record", point.pk),
        {"value": "40", "measured_on": early.isoformat()},
        **(HTMX if htmx else {}),
    )

    html = unescape(asked.content.decode())
    assert asked.status_code == 200
    assert asked.context["form"].asks_date is True
    assert "Is the date right?" in html
    assert 'name="confirm_date"' in html
    assert written() == before
    confirmed = client.post(
        url("measurement_record", point.pk),
        {"value": "40", "measured_on": early.isoformat(), "confirm_date": "on"},
    )
    assert confirmed.status_code == 302
    assert list(Measurement.objects.values_list("value", "measured_on")) == [(D(40), early)]


def test_the_entry_form_offers_no_confirmation_box_until_asked(client, org, point):
    client.force_login(org["member"])

    html = client.get(url("control_point_detail", point.pk)).content.decode()

    assert 'name="value"' in html
    assert 'name="confirm_date"' not in html and 'name="replace"' not in html


def test_a_second_value_for_a_day_asks_and_the_leader_replaces_it(client, org, point):
    day = today(org)
    record(org, point, 40, day)
    client.force_login(org["leader"])

    asked = client.post(url("measurement_record", point.pk), {"value": "42", "measured_on": day})

    assert asked.context["form"].asks_replace is True
    assert "already has a value: 40 calls. Replace it?" in unescape(asked.content.decode())
    assert list(Measurement.objects.values_list("value", flat=True)) == [D(40)]
    replaced = client.post(
        url("measurement_record", point.pk), {"value": "42", "measured_on": day, "replace": "on"}
    )
    assert replaced.status_code == 302
    assert list(Measurement.objects.values_list("value", flat=True)) == [D(42)]
    assert MeasurementChange.objects.get().old_value == D(40)


def test_a_member_who_ticks_replace_is_refused_and_nothing_written(client, org, point):
    day = today(org)
    record(org, point, 40, day)
    client.force_login(org["member"])
    before = written()

    response = client.post(
        url("measurement_record", point.pk), {"value": "42", "measured_on": day, "replace": "on"}
    )

    assert response.status_code == 403
    assert cycle_services.CORRECT_REFUSED in unescape(response.content.decode())
    assert written() == before


@pytest.mark.parametrize(
    ("measured_on", "message"),
    [
        ("0001-01-01", "Enter a date within the last ten years."),
        ("9999-12-31", "The date cannot be in the future."),
        ("2026-02-30", "Enter a date, like 2026-03-20."),
    ],
)
def test_out_of_range_dates_are_refused_at_the_field(client, org, point, measured_on, message):
    client.force_login(org["member"])
    before = written()

    response = client.post(
        url("measurement_record", point.pk), {"value": "40", "measured_on": measured_on}, **HTMX
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"measured_on": [message]}
    assert written() == before


def test_a_negative_count_is_refused_at_the_value(client, org, point):
    client.force_login(org["member"])
    before = written()

    response = client.post(
        url("measurement_record", point.pk), {"value": "-5", "measured_on": today(org)}, **HTMX
    )

    assert response.context["form"].errors == {
        "value": ["Calls per day takes no negative values: enter 0 or more calls."]
    }
    assert written() == before


# --- correcting and voiding ------------------------------------------------------------


def test_the_leader_corrects_a_value_from_the_data_table(client, org, point):
    measurement = record(org, point, 81, today(org) - timedelta(days=1))
    client.force_login(org["leader"])
    chart = client.get(url("control_point_detail", point.pk)).content.decode()
    assert url("measurement_change", measurement.pk) in chart

    response = client.post(
        url("measurement_change", measurement.pk),
        {"action": "correct", "value": "18", "reason": "Typed 81 for 18"},
    )

    assert response.status_code == 302
    measurement.refresh_from_db()
    assert (measurement.value, measurement.out_of_limits) == (D(18), False)
    page = client.get(url("measurement_change", measurement.pk)).content.decode()
    assert "Corrected: 81 → 18 · Typed 81 for 18" in unescape(page)


def test_the_coordinator_voids_a_value_with_a_reason(client, org, point):
    measurement = record(org, point, 81, today(org) - timedelta(days=1))
    client.force_login(org["coordinator"])

    response = client.post(
        url("measurement_change", measurement.pk), {"action": "void", "reason": "Counted twice"}
    )

    assert response.status_code == 302
    measurement.refresh_from_db()
    assert (measurement.voided_at is not None, measurement.out_of_limits) == (True, False)
    page = client.get(url("measurement_change", measurement.pk)).content.decode()
    assert "Voided" in page and "Counted twice" in page
    assert (
        "No measurements yet" in client.get(url("control_point_detail", point.pk)).content.decode()
    )


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"action": "correct", "value": "", "reason": "Typo"},
         {"value": ["Enter the correct value."]}),
        ({"action": "void", "reason": ""}, {"reason": ["Say why, so the history explains it."]}),
        ({"action": "void", "reason": "nul\x00byte"},
         {"reason": ["Null characters are not allowed."]}),
        ({"action": "delete", "reason": "x"},
         {"action": ["Select a valid choice. delete is not one of the available choices."]}),
    ],
    ids=["no-value", "no-reason", "nul-byte", "bad-action"],
)  # fmt: skip
def test_a_bad_correction_is_refused_at_its_field(client, org, point, data, errors):
    measurement = record(org, point, 40, today(org))
    client.force_login(org["leader"])
    before = written()

    response = client.post(url("measurement_change", measurement.pk), data)

    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert written() == before


def test_a_member_may_not_correct_and_another_team_does_not_see_the_value(client, org, point):
    measurement = record(org, point, 40, today(org))
    outsider = MembershipFactory(team=TeamFactory(name="South"), user=UserFactory()).user
    before = written()

    client.force_login(org["member"])
    get = client.get(url("measurement_change", measurement.pk))
    post = client.post(url("measurement_change", measurement.pk), {"action": "void", "reason": "x"})
    assert (get.status_code, post.status_code) == (403, 403)
    assert cycle_services.CORRECT_REFUSED in unescape(get.content.decode())
    client.force_login(outsider)
    assert client.post(url("measurement_change", measurement.pk), {}).status_code == 404
    assert written() == before


# --- process changes --------------------------------------------------------------------


def test_the_coordinator_records_a_process_change_and_the_chart_breaks_there(client, org, point):
    start = today(org) - timedelta(days=29)
    for n in range(20):
        record(org, point, 10 + 2 * (n % 2), start + timedelta(days=n))
    for n in range(20, 28):
        record(org, point, 20 + 2 * (n % 2), start + timedelta(days=n))
    assert Measurement.objects.filter(out_of_limits=True).count() == 8
    client.force_login(org["coordinator"])

    response = client.post(
        url("control_point_baseline_start", point.pk),
        {"baseline-starts_on": start + timedelta(days=20), "baseline-reason": "Morning block"},
    )

    assert response.status_code == 302
    assert Measurement.objects.filter(out_of_limits=True).count() == 0
    html = unescape(client.get(url("control_point_detail", point.pk)).content.decode())
    assert 'class="xmr-break"' in html
    assert "(Morning block): natural process limits 15.68 to 26.32 around a mean of 21" in html
    assert "Natural process limits 5.68 to 16.32 around a mean of 11" in html


def test_a_member_does_not_record_a_process_change(client, org, point):
    client.force_login(org["member"])
    before = written()

    page = client.get(url("control_point_detail", point.pk)).content.decode()
    response = client.post(
        url("control_point_baseline_start", point.pk),
        {"baseline-starts_on": today(org), "baseline-reason": "x"},
    )

    assert "Start a new baseline" not in page
    assert response.status_code == 403
    assert written() == before


# --- one count, dates with their year ---------------------------------------------------


def test_the_team_cycle_and_chart_pages_count_the_same_flags(client, org, point):
    cycle = Cycle.objects.create(team=org["team"], title="Morning calls", phase="do")
    CycleEvent.objects.create(cycle=cycle, from_phase="plan", to_phase="do")
    ControlPoint.objects.filter(pk=point.pk).update(cycle=cycle)
    start = today(org) - timedelta(days=40)
    # 20 values around 11 (X̄ 11, UNPL 16.32, one sigma 12.77), then a shift up that no
    # value-by-value check against the limits flags: rule 3 fires on the 4th to 9th value
    # after the baseline, rule 4 on the 8th to 10th. Seven signals.
    values = [12, 10] * 10 + [13, 13, 14, 13, 13, 14, 13, 13, 13, 12]
    for n, value in enumerate(values):
        record(org, point, value, start + timedelta(days=n))
    stored = Measurement.objects.filter(out_of_limits=True).count()
    assert stored == 7
    client.force_login(org["leader"])

    team_page = client.get(url("team_improvement", org["team"].pk)).content.decode()
    chart_page = client.get(url("control_point_detail", point.pk))

    assert "7 of the last 20 flagged" in team_page
    assert "7 of the last 20 flagged." in chart_page.content.decode()
    assert len(chart_page.context["chart"].flagged) == stored


def test_a_value_of_another_year_shows_its_year(client, org, point):
    last_year = today(org).replace(year=today(org).year - 1)
    ControlPoint.objects.filter(pk=point.pk).update(
        created_at=point.created_at.replace(year=last_year.year - 1)
    )
    record(org, point, 40, last_year)
    client.force_login(org["leader"])

    team_page = client.get(url("team_improvement", org["team"].pk)).content.decode()
    chart_page = client.get(url("control_point_detail", point.pk)).content.decode()

    label = f"{last_year.day} {last_year:%b} {last_year.year}"
    assert f"on {label}" in team_page
    assert f"{last_year:%a} {label}" in chart_page
