"""Control points and their measurements: who adds them, the quick entry, flags against
set and natural process limits, the notice to the coordinator, and bad input."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from standardwork.models import ControlPoint, Cycle, Measurement, Notice
from standardwork.services import cycles as cycle_services
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory
from tests.standardwork.conftest import at

pytestmark = pytest.mark.django_db

D = Decimal
NOW = at("2026-03-20 10:00", "Europe/London")
EXAMPLE = (10, 12, 11, 14, 13, 12, 15, 11)  # X̄ 12.25, UNPL 17.95, LNPL 6.55 (test_xmr.py)
BASELINE = (10, 12) * 10  # X̄ 11, mR̄ 2, UNPL 16.32, LNPL 5.68


def control_point(org, **fields) -> ControlPoint:
    fields.setdefault("name", "Calls per day")
    fields.setdefault("unit", "calls")
    return cycle_services.control_point_create(actor=org["coordinator"], team=org["team"], **fields)


def record(org, point, value, day=None, actor=None) -> Measurement:
    return cycle_services.measurement_record(
        actor=actor or org["member"], control_point=point, value=D(str(value)),
        measured_on=day or date(2026, 3, 20), now=NOW,
    )  # fmt: skip


def record_series(org, point, values, start=date(2026, 3, 1)) -> list[Measurement]:
    return [record(org, point, v, start + timedelta(days=n)) for n, v in enumerate(values)]


def state() -> tuple:
    return (
        ControlPoint.objects.count(),
        list(Measurement.objects.values_list("value", "out_of_limits", "signal")),
        Notice.objects.count(),
    )


# --- control points -----------------------------------------------------------------


def test_the_coordinator_adds_a_control_point_to_a_cycle(org):
    cycle = Cycle.objects.create(team=org["team"], title="More connects", phase="do")

    point = cycle_services.control_point_create(
        actor=org["coordinator"], team=org["team"], name=" Connect rate ", unit="%",
        target=D(25), lower_limit=D(10), upper_limit=D(60), cycle=cycle,
    )  # fmt: skip

    assert (point.name, point.unit, point.target, point.lower_limit, point.upper_limit) == (
        "Connect rate", "%", D(25), D(10), D(60),
    )  # fmt: skip
    assert (point.team, point.cycle, point.created_by) == (org["team"], cycle, org["coordinator"])


@pytest.mark.parametrize("role", ["leader", "coordinator", "vsm"])
def test_the_leader_coordinator_and_vsm_add_control_points(org, role):
    point = cycle_services.control_point_create(
        actor=org[role], team=org["team"], name="Meetings booked", unit="meetings"
    )

    assert point.created_by == org[role]


def test_a_member_does_not_add_control_points(org):
    with pytest.raises(PermissionDenied) as refused:
        cycle_services.control_point_create(
            actor=org["member"], team=org["team"], name="Calls", unit="calls"
        )

    assert str(refused.value) == (
        "Only the team's Team Leader, Team Coordinator or VSM adds control points."
    )
    assert ControlPoint.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"lower_limit": D(40), "upper_limit": D(40)},
         {"upper_limit": ["The upper limit must be above the lower limit."]}),
        ({"name": "calls PER day"},
         {"name": ["North already has a control point called calls PER day."]}),
        ({"name": ""}, {"name": ["This field cannot be blank."]}),
    ],
    ids=["limits-not-ordered", "name-taken", "no-name"],
)  # fmt: skip
def test_a_bad_control_point_is_refused_at_its_field(org, fields, errors):
    control_point(org)
    before = state()

    with pytest.raises(ValidationError) as refused:
        control_point(org, **{"name": "Connect rate", **fields})

    assert refused.value.message_dict == errors
    assert state() == before


def test_a_closed_cycle_or_another_teams_cycle_takes_no_control_point(org):
    closed = Cycle.objects.create(team=org["team"], title="Done", phase="closed")
    theirs = Cycle.objects.create(team=TeamFactory(name="South"), title="Theirs")

    for cycle, message in [
        (closed, "A closed cycle takes no new control points."),
        (theirs, "Choose a cycle of this team."),
    ]:
        with pytest.raises(ValidationError) as refused:
            control_point(org, cycle=cycle)
        assert refused.value.message_dict == {"cycle": [message]}
    assert ControlPoint.objects.count() == 0


# --- measurements -----------------------------------------------------------------


def test_a_measurement_records_who_and_when(org):
    point = control_point(org)

    measurement = record(org, point, "42.5", date(2026, 3, 19), actor=org["leader"])

    assert (measurement.value, measurement.measured_on, measurement.entered_by) == (
        D("42.5"), date(2026, 3, 19), org["leader"],
    )  # fmt: skip
    assert measurement.entered_at is not None
    assert (measurement.out_of_limits, measurement.signal) == (False, "")


def test_a_value_above_the_set_upper_limit_is_flagged_and_the_coordinator_told(org):
    point = control_point(org, upper_limit=D(40))

    measurement = record(org, point, 41)

    assert (measurement.out_of_limits, measurement.signal) == (True, "Above the upper limit 40")
    notice = Notice.objects.get()
    assert (notice.recipient, notice.kind, notice.date, notice.url) == (
        org["coordinator"], Notice.Kind.CONTROL_POINT, date(2026, 3, 20),
        reverse("standardwork:control_point_detail", args=[point.pk]),
    )  # fmt: skip
    assert notice.text == "Calls per day (North): 41 calls on 20 Mar. Above the upper limit 40."


def test_a_value_below_the_set_lower_limit_is_flagged(org):
    point = control_point(org, lower_limit=D(10))

    assert record(org, point, "9.5").signal == "Below the lower limit 10"


def test_a_point_beyond_the_natural_limits_of_the_baseline_is_flagged(org):
    point = control_point(org)
    # A full baseline of 20: X̄ = 11, mR̄ = 2, UNPL = 11 + 5.32 = 16.32, LNPL = 5.68.
    record_series(org, point, BASELINE)

    high = record(org, point, 17)
    low = record(org, point, 5)
    inside = record(org, point, 16)

    assert (high.out_of_limits, high.signal) == (
        True, "Above the upper natural process limit 16.32",
    )  # fmt: skip
    assert (low.out_of_limits, low.signal) == (True, "Below the lower natural process limit 5.68")
    assert (inside.out_of_limits, inside.signal) == (False, "")
    assert Notice.objects.filter(kind=Notice.Kind.CONTROL_POINT).count() == 2


def test_a_value_inside_the_baseline_is_judged_against_limits_that_include_it(org):
    point = control_point(org)
    record_series(org, point, EXAMPLE)  # 8 values: X̄ 12.25, UNPL 17.95

    ninth = record(org, point, 18)

    # The baseline is now 9 values: X̄ = 116/9 = 12.89, mR̄ = 22/8 = 2.75,
    # UNPL = 12.89 + 7.315 = 20.2: 18 is inside.
    assert (ninth.out_of_limits, ninth.signal) == (False, "")


def test_the_sixth_value_itself_is_judged_against_the_limits_it_completes(org):
    point = control_point(org)
    record_series(org, point, (10, 10, 10, 10, 10))

    sixth = record(org, point, 40)

    # Baseline 10,10,10,10,10,40: X̄ = 15, mR̄ = 30/5 = 6, UNPL = 15 + 15.96 = 30.96.
    assert (sixth.out_of_limits, sixth.signal) == (
        True, "Above the upper natural process limit 30.96",
    )  # fmt: skip


def test_fewer_than_six_values_are_never_flagged_by_natural_limits(org):
    point = control_point(org)

    measurements = record_series(org, point, (10, 12, 11, 14, 90))

    assert [m.out_of_limits for m in measurements] == [False] * 5
    assert Notice.objects.count() == 0


def test_a_back_dated_value_takes_its_place_in_the_baseline_by_date(org):
    point = control_point(org)
    record_series(org, point, BASELINE, start=date(2026, 3, 1))

    today = record(org, point, 17, date(2026, 3, 20))
    back_dated = record(org, point, 17, date(2026, 2, 28))

    # Today's 17 is judged against the first 20 values: UNPL 16.32.
    assert today.signal == "Above the upper natural process limit 16.32"
    # Dated before them all, 17 opens the baseline: 17, 10, 12, ... 12, 10 (20 values):
    # X̄ = 225/20 = 11.25, mR̄ = (7 + 18·2)/19 = 2.263, UNPL = 11.25 + 6.02 = 17.27.
    assert (back_dated.out_of_limits, back_dated.signal) == (False, "")


def test_no_coordinator_no_notice_but_still_flagged(org):
    team = TeamFactory(name="Solo", coordinator=None)
    member = MembershipFactory(team=team, user=UserFactory(username="solo")).user
    point = cycle_services.control_point_create(
        actor=UserFactory(username="root2", is_superuser=True), team=team, name="Calls",
        unit="calls", upper_limit=D(5),
    )  # fmt: skip

    measurement = record(org, point, 6, actor=member)

    assert measurement.out_of_limits is True
    assert Notice.objects.count() == 0


def test_a_future_date_is_refused_and_nothing_written(org):
    point = control_point(org)
    before = state()

    with pytest.raises(ValidationError) as refused:
        record(org, point, 12, date(2026, 3, 21))

    assert refused.value.message_dict == {"measured_on": ["The date cannot be in the future."]}
    assert state() == before


def test_too_many_decimals_is_refused_at_the_value(org):
    point = control_point(org)
    before = state()

    with pytest.raises(ValidationError) as refused:
        record(org, point, "12.3456")

    assert refused.value.message_dict == {
        "value": ["Ensure that there are no more than 3 decimal places."]
    }
    assert state() == before


def test_the_vsm_records_but_another_team_does_not(org):
    point = control_point(org)
    outsider = MembershipFactory(team=TeamFactory(name="South"), user=UserFactory()).user

    record(org, point, 12, actor=org["vsm"])
    with pytest.raises(PermissionDenied):
        record(org, point, 13, actor=outsider)

    assert list(Measurement.objects.values_list("value", flat=True)) == [D(12)]


def test_an_inactive_control_point_takes_no_values(org):
    point = control_point(org)
    ControlPoint.objects.filter(pk=point.pk).update(is_active=False)

    with pytest.raises(ValidationError) as refused:
        record(org, point, 12)

    assert refused.value.messages == ["This control point is no longer measured."]
    assert Measurement.objects.count() == 0
