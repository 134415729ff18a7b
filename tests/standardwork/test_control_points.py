"""Control points and their measurements: who adds them, the quick entry, flags by the
detection rules and the set limits, the notice to the coordinator, bad input, questioned
dates and days, corrections, voiding, and new baselines where the process changed."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from standardwork.models import (
    ControlPoint,
    ControlPointBaseline,
    Cycle,
    Measurement,
    MeasurementChange,
    Notice,
)
from standardwork.selectors import cycles as cycle_selectors
from standardwork.services import cycles as cycle_services
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory
from tests.standardwork.conftest import at

pytestmark = pytest.mark.django_db

D = Decimal
NOW = at("2026-03-20 10:00", "Europe/London")
EXAMPLE = (10, 12, 11, 14, 13, 12, 15, 11)  # X̄ 12.25, UNPL 17.95, LNPL 6.55 (test_xmr.py)
BASELINE = (10, 12) * 10  # X̄ 11, mR̄ 2, UNPL 16.32, LNPL 5.68


SET_UP = at("2026-01-05 09:00", "Europe/London")


def set_up_on(point: ControlPoint, when=SET_UP) -> ControlPoint:
    """Arrange: the control point existed since `when` (the suite's clock is later)."""
    ControlPoint.objects.filter(pk=point.pk).update(created_at=when)
    point.refresh_from_db()
    return point


def control_point(org, **fields) -> ControlPoint:
    fields.setdefault("name", "Calls per day")
    fields.setdefault("unit", "calls")
    return set_up_on(
        cycle_services.control_point_create(actor=org["coordinator"], team=org["team"], **fields)
    )


def record(org, point, value, day=None, actor=None, **options) -> Measurement:
    return cycle_services.measurement_record(
        actor=actor or org["member"], control_point_id=point.pk, value=D(str(value)),
        measured_on=day or date(2026, 3, 20), now=NOW, **options,
    )  # fmt: skip


def record_series(org, point, values, start=date(2026, 2, 20)) -> list[Measurement]:
    return [record(org, point, v, start + timedelta(days=n)) for n, v in enumerate(values)]


def state() -> tuple:
    return (
        ControlPoint.objects.count(),
        list(Measurement.objects.values_list("value", "out_of_limits", "signal", "voided_at")),
        Notice.objects.count(),
        MeasurementChange.objects.count(),
        ControlPointBaseline.objects.count(),
    )


def flags(point) -> list[tuple]:
    return list(
        Measurement.objects.filter(control_point=point, voided_at__isnull=True)
        .order_by("measured_on")
        .values_list("measured_on", "out_of_limits", "signal")
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

    assert (measurement.out_of_limits, measurement.signal) == (
        True, "Above the set upper limit 40",
    )  # fmt: skip
    notice = Notice.objects.get()
    assert (notice.recipient, notice.kind, notice.date, notice.url) == (
        org["coordinator"], Notice.Kind.CONTROL_POINT, date(2026, 3, 20),
        reverse("standardwork:control_point_detail", args=[point.pk]),
    )  # fmt: skip
    assert notice.text == "Calls per day (North): 41 calls on 20 Mar. Above the set upper limit 40."


def test_a_value_below_the_set_lower_limit_is_flagged(org):
    point = control_point(org, lower_limit=D(10))

    assert record(org, point, "9.5").signal == "Below the set lower limit 10"


def test_a_point_beyond_the_natural_limits_of_the_baseline_is_flagged(org):
    point = control_point(org)
    # A full baseline of 20: X̄ = 11, mR̄ = 2, UNPL = 11 + 5.32 = 16.32, LNPL = 5.68.
    record_series(org, point, BASELINE)

    high = record(org, point, 17, date(2026, 3, 12))
    low = record(org, point, 5, date(2026, 3, 13))
    inside = record(org, point, 14, date(2026, 3, 14))

    assert (high.out_of_limits, high.signal) == (
        True, "Rule 1: above the upper natural process limit 16.32",
    )  # fmt: skip
    assert (low.out_of_limits, low.signal) == (
        True, "Rule 1: below the lower natural process limit 5.68",
    )  # fmt: skip
    assert (inside.out_of_limits, inside.signal) == (False, "")
    assert Notice.objects.filter(kind=Notice.Kind.CONTROL_POINT).count() == 2


def test_the_notice_names_the_rule_that_fired(org):
    point = control_point(org, name="Connect rate", unit="%")
    record_series(org, point, (12, 10) * 10)  # X̄ 11, ends below the centre line

    run = record_series(org, point, ["11.5"] * 8, start=date(2026, 3, 12))

    assert [m.out_of_limits for m in run] == [False] * 7 + [True]
    notice = Notice.objects.get()
    assert notice.text == (
        "Connect rate (North): 11.5 % on 19 Mar. "
        "Rule 4: 8 values in a row above the centre line 11."
    )


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
        True, "Rule 1: above the upper natural process limit 30.96",
    )  # fmt: skip


def test_fewer_than_six_values_are_never_flagged_by_natural_limits(org):
    point = control_point(org)

    measurements = record_series(org, point, (10, 12, 11, 14, 90))

    assert [m.out_of_limits for m in measurements] == [False] * 5
    assert Notice.objects.count() == 0


def test_a_back_dated_value_takes_its_place_in_the_baseline_and_every_flag_is_judged_again(org):
    point = control_point(org)
    record_series(org, point, BASELINE, start=date(2026, 2, 20))

    latest = record(org, point, 17, date(2026, 3, 19))
    assert latest.signal == "Rule 1: above the upper natural process limit 16.32"
    back_dated = record(org, point, 17, date(2026, 2, 19))

    # Dated before them all, 17 opens the baseline: 17, 10, 12, ... 12, 10 (20 values):
    # X̄ = 225/20 = 11.25, mR̄ = (7 + 18·2)/19 = 2.263, UNPL = 11.25 + 6.02 = 17.27,
    # so neither 17 is beyond the limits any more, and the stored flags say so.
    assert (back_dated.out_of_limits, back_dated.signal) == (False, "")
    latest.refresh_from_db()
    assert (latest.out_of_limits, latest.signal) == (False, "")


def test_no_coordinator_no_notice_but_still_flagged(org):
    team = TeamFactory(name="Solo", coordinator=None)
    member = MembershipFactory(team=team, user=UserFactory(username="solo")).user
    point = set_up_on(cycle_services.control_point_create(
        actor=UserFactory(username="root2", is_superuser=True), team=team, name="Calls",
        unit="calls", upper_limit=D(5),
    ))  # fmt: skip

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


# --- plausible values ---------------------------------------------------------------


def test_a_negative_value_is_refused_unless_the_control_point_allows_it(org):
    point = control_point(org)
    before = state()

    with pytest.raises(ValidationError) as refused:
        record(org, point, -5)

    assert refused.value.message_dict == {
        "value": ["Calls per day takes no negative values: enter 0 or more calls."]
    }
    assert state() == before
    balance = control_point(org, name="Pipeline change", unit="k€", allows_negative=True)
    assert record(org, balance, -5).value == D(-5)


def test_a_value_outside_the_plausible_range_is_refused_at_its_edges(org):
    point = control_point(org, plausible_min=D(0), plausible_max=D(500))
    before = state()

    with pytest.raises(ValidationError) as refused:
        record(org, point, "500.001")

    assert refused.value.message_dict == {
        "value": [
            "500.001 calls is not plausible for Calls per day (from 0 to 500): check the value."
        ]
    }
    assert state() == before
    assert record(org, point, 500).value == D(500)


def test_a_plausible_range_below_zero_needs_negative_values_allowed(org):
    with pytest.raises(ValidationError) as refused:
        control_point(org, plausible_min=D(-10))

    assert refused.value.message_dict == {
        "plausible_min": ["Values may not be negative: the lowest plausible value is 0 or more."]
    }
    assert ControlPoint.objects.count() == 0


# --- questioned dates and days ------------------------------------------------------


def test_a_date_before_the_control_point_existed_needs_a_confirmation(org):
    point = control_point(org)  # set up on 5 Jan 2026
    before = state()

    with pytest.raises(ValidationError) as refused:
        record(org, point, 12, date(2026, 1, 4))

    [error] = refused.value.error_dict["measured_on"]
    assert (error.code, error.message) == (
        "confirm_date", "4 Jan is before Calls per day was set up (5 Jan). Is the date right?",
    )  # fmt: skip
    assert state() == before
    assert record(org, point, 12, date(2026, 1, 5)).measured_on == date(2026, 1, 5)
    confirmed = record(org, point, 12, date(2026, 1, 4), confirm_date=True)
    assert confirmed.measured_on == date(2026, 1, 4)


def test_a_date_more_than_a_year_ago_needs_a_confirmation_and_shows_its_year(org):
    point = control_point(org)
    set_up_on(point, at("2020-01-01 09:00", "Europe/London"))
    before = state()

    with pytest.raises(ValidationError) as refused:
        record(org, point, 12, date(2025, 3, 19))

    [error] = refused.value.error_dict["measured_on"]
    assert (error.code, error.message) == (
        "confirm_date", "19 Mar 2025 is more than a year ago. Is the date right?",
    )  # fmt: skip
    assert state() == before
    assert record(org, point, 12, date(2025, 3, 20)).measured_on == date(2025, 3, 20)


def test_a_second_value_for_a_day_asks_whether_to_replace_it_and_writes_nothing(org):
    point = control_point(org)
    record(org, point, 12)
    before = state()

    with pytest.raises(ValidationError) as refused:
        record(org, point, 14)

    [error] = refused.value.error_dict["measured_on"]
    assert (error.code, error.message) == (
        "replace", "Fri 20 Mar already has a value: 12 calls. Replace it?",
    )  # fmt: skip
    assert state() == before


def test_the_leader_replaces_a_days_value_and_its_history_keeps_the_old_one(org):
    point = control_point(org)
    first = record(org, point, 12)

    replaced = record(org, point, 14, actor=org["leader"], replace=True)

    assert replaced.pk == first.pk
    assert list(Measurement.objects.values_list("value", "voided_at")) == [(D(14), None)]
    change = MeasurementChange.objects.get()
    assert (change.kind, change.old_value, change.new_value, change.reason, change.changed_by) == (
        "corrected", D(12), D(14), cycle_services.REPLACED_ON_ENTRY, org["leader"],
    )  # fmt: skip


def test_a_member_does_not_replace_a_days_value(org):
    point = control_point(org)
    record(org, point, 12)
    before = state()

    with pytest.raises(PermissionDenied) as refused:
        record(org, point, 14, replace=True)

    assert str(refused.value) == cycle_services.CORRECT_REFUSED
    assert state() == before


# --- corrections and voiding ----------------------------------------------------------


def test_the_coordinator_corrects_a_value_and_the_flags_are_judged_again(org):
    point = control_point(org)
    record_series(org, point, BASELINE)
    typo = record(org, point, 71, date(2026, 3, 12))
    assert typo.signal == "Rule 1: above the upper natural process limit 16.32"

    corrected = cycle_services.measurement_correct(
        actor=org["coordinator"], measurement_id=typo.pk, value=D(11), reason="Typed 71 for 11"
    )

    assert (corrected.value, corrected.out_of_limits, corrected.signal) == (D(11), False, "")
    typo.refresh_from_db()
    assert (typo.value, typo.out_of_limits) == (D(11), False)
    change = MeasurementChange.objects.get()
    assert (change.kind, change.old_value, change.new_value, change.reason, change.changed_by) == (
        "corrected", D(71), D(11), "Typed 71 for 11", org["coordinator"],
    )  # fmt: skip


def test_a_correction_in_the_baseline_moves_the_limits_for_every_value(org):
    point = control_point(org)
    values = record_series(org, point, BASELINE)
    later = record(org, point, 17, date(2026, 3, 12))
    assert later.out_of_limits is True

    # 10 -> 16 in the baseline: X̄ = 11.3, mR̄ = 2.63, UNPL = 18.3: 17 is no longer beyond.
    cycle_services.measurement_correct(
        actor=org["leader"], measurement_id=values[4].pk, value=D(16), reason="Misread the log"
    )

    later.refresh_from_db()
    assert (later.out_of_limits, later.signal) == (False, "")


@pytest.mark.parametrize("role", ["member", "vsm"])
def test_only_the_coordinator_or_leader_corrects_or_voids(org, role):
    point = control_point(org)
    measurement = record(org, point, 12)
    before = state()

    with pytest.raises(PermissionDenied) as corrected:
        cycle_services.measurement_correct(
            actor=org[role], measurement_id=measurement.pk, value=D(13), reason="Typo"
        )
    with pytest.raises(PermissionDenied) as voided:
        cycle_services.measurement_void(actor=org[role], measurement_id=measurement.pk, reason="x")

    assert str(corrected.value) == str(voided.value) == cycle_services.CORRECT_REFUSED
    assert state() == before


def test_a_correction_needs_a_reason_a_new_value_and_a_plausible_one(org):
    point = control_point(org)
    measurement = record(org, point, 12)
    before = state()

    for value, reason, errors in [
        (D(13), "  ", {"reason": ["Say why, so the history explains it."]}),
        (D(12), "Typo", {"value": ["That is the value already recorded."]}),
        (
            D(-1),
            "Typo",
            {"value": ["Calls per day takes no negative values: enter 0 or more calls."]},
        ),
    ]:
        with pytest.raises(ValidationError) as refused:
            cycle_services.measurement_correct(
                actor=org["leader"], measurement_id=measurement.pk, value=value, reason=reason
            )
        assert refused.value.message_dict == errors
    assert state() == before


def test_voiding_takes_a_value_out_of_the_series_and_keeps_it_with_its_reason(org):
    point = control_point(org, upper_limit=D(40))
    measurement = record(org, point, 41)
    assert measurement.out_of_limits is True

    voided = cycle_services.measurement_void(
        actor=org["leader"], measurement_id=measurement.pk, reason="Counted twice", now=NOW
    )

    assert (voided.voided_at, voided.out_of_limits, voided.signal) == (NOW, False, "")
    change = MeasurementChange.objects.get()
    assert (change.kind, change.old_value, change.new_value, change.reason) == (
        "voided", D(41), None, "Counted twice",
    )  # fmt: skip
    page = cycle_selectors.control_point_detail(user=org["leader"], control_point_id=point.pk)
    assert (page.total, page.chart.points) == (0, [])
    # The day is free again for its right value.
    assert record(org, point, 20).value == D(20)
    with pytest.raises(ValidationError) as again:
        cycle_services.measurement_void(
            actor=org["leader"], measurement_id=measurement.pk, reason="Again"
        )
    assert again.value.messages == ["This value is already voided."]


# --- new baselines -----------------------------------------------------------------------


def test_a_process_change_starts_a_new_baseline_and_the_old_values_keep_their_limits(org):
    point = control_point(org)
    record_series(org, point, BASELINE)  # 20 Feb - 11 Mar around 11
    new_process = record_series(org, point, (20, 22) * 4, start=date(2026, 3, 12))
    assert all(
        m.out_of_limits for m in Measurement.objects.filter(pk__in=[m.pk for m in new_process])
    )

    baseline = cycle_services.control_point_baseline_start(
        actor=org["coordinator"], control_point_id=point.pk, starts_on=date(2026, 3, 12),
        reason="Calls moved to the morning", now=NOW,
    )  # fmt: skip

    assert (baseline.starts_on, baseline.reason, baseline.created_by) == (
        date(2026, 3, 12), "Calls moved to the morning", org["coordinator"],
    )  # fmt: skip
    assert [flagged for _, flagged, _ in flags(point)] == [False] * 28
    page = cycle_selectors.control_point_detail(user=org["member"], control_point_id=point.pk)
    assert [(s.starts_on, s.limits.mean) for s in page.chart.segments] == [
        (None, D(11)), (date(2026, 3, 12), D(21)),
    ]  # fmt: skip


def test_a_process_change_is_refused_to_a_member_in_the_future_and_twice_on_a_day(org):
    point = control_point(org)
    cycle_services.control_point_baseline_start(
        actor=org["leader"], control_point_id=point.pk, starts_on=date(2026, 3, 2),
        reason="New dialler", now=NOW,
    )  # fmt: skip
    before = state()

    with pytest.raises(PermissionDenied):
        cycle_services.control_point_baseline_start(
            actor=org["member"], control_point_id=point.pk, starts_on=date(2026, 3, 3),
            reason="x", now=NOW,
        )  # fmt: skip
    for day, message in [
        (date(2026, 3, 21), "The date cannot be in the future."),
        (date(2026, 3, 2), "A new baseline already starts on 2 Mar."),
    ]:
        with pytest.raises(ValidationError) as refused:
            cycle_services.control_point_baseline_start(
                actor=org["leader"], control_point_id=point.pk, starts_on=day, reason="x",
                now=NOW,
            )  # fmt: skip
        assert refused.value.message_dict == {"starts_on": [message]}
    assert state() == before


def test_adopting_a_cycle_starts_a_new_baseline_for_its_control_points(org):
    cycle = Cycle.objects.create(team=org["team"], title="Morning calls", phase="act")
    measured = control_point(org, name="Connect rate", unit="%", cycle=cycle)
    other = control_point(org, name="Meetings booked", unit="meetings")
    record_series(org, measured, BASELINE)

    cycle_services.cycle_adopt(actor=org["coordinator"], cycle_id=cycle.pk, now=NOW)

    baseline = ControlPointBaseline.objects.get()
    assert (baseline.control_point, baseline.starts_on, baseline.cycle, baseline.reason) == (
        measured, date(2026, 3, 20), cycle, "New standard adopted from cycle: Morning calls",
    )  # fmt: skip
    assert not other.baselines.exists()


# --- one judgement everywhere ------------------------------------------------------------


def test_the_stored_flags_are_the_charts_after_every_kind_of_write(org):
    point = control_point(org, lower_limit=D(6))
    values = record_series(org, point, [*BASELINE, 17, "14.6", "14.6", 5])
    record(org, point, 30, date(2026, 2, 10))  # back-dated: opens the baseline
    cycle_services.measurement_correct(
        actor=org["leader"], measurement_id=values[2].pk, value=D(15), reason="Typo"
    )
    cycle_services.measurement_void(actor=org["leader"], measurement_id=values[7].pk, reason="x")
    cycle_services.control_point_baseline_start(
        actor=org["leader"], control_point_id=point.pk, starts_on=date(2026, 3, 5),
        reason="New list", now=NOW,
    )  # fmt: skip

    page = cycle_selectors.control_point_detail(user=org["member"], control_point_id=point.pk)

    stored = flags(point)
    drawn = [(p.day, p.flagged, p.signal) for p in page.chart.points]
    assert drawn == stored
    assert any(flagged for _, flagged, _ in stored)
