"""The demo's stand-ups, impediments, actions, cycles and control points."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from roles.demo import organisation_seed
from roles.models import Team
from standardwork import calendar
from standardwork.demo import standard_work_seed
from standardwork.demo_rhythm import CALL_BLOCK_STANDARD, adoption_day, rhythm_seed
from standardwork.models import (
    Action,
    Check,
    Checklist,
    ControlPoint,
    ControlPointBaseline,
    Cycle,
    Impediment,
    Measurement,
    StandardWorkTemplate,
    Standup,
    StandupAttendance,
)

# A Friday; 13 days before it is a Saturday, so the adoption was on Friday 6 March.
NOW = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)
TODAY = date(2026, 3, 20)
ADOPTED_ON = date(2026, 3, 6)
LONDON = ZoneInfo("Europe/London")
VERSION_1 = [
    "Protect the team's call block 13:00-15:00",
    "Check the call list is loaded before the block",
]
VERSION_2 = [
    "Protect the team's call block 08:00-10:00",
    "Check the call list is loaded the evening before",
]


@pytest.fixture(scope="module")
def rhythm(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        organisation = organisation_seed(password="demo-password-1")
        standard_work_seed(organisation=organisation, now=NOW)
        summary = rhythm_seed(organisation=organisation, now=NOW)
        yield {"organisation": organisation, "summary": summary}
        transaction.set_rollback(True)


@pytest.fixture
def data(rhythm, db):
    return rhythm


def test_four_weeks_of_stand_ups_for_every_team_and_the_marcom_department(data):
    summary = data["summary"]

    # Kolkata works six days; the department Monday to Thursday (16 in four weeks).
    assert summary.standups == Standup.objects.count() == 120
    assert set(Standup.objects.values_list("team__name", flat=True)) == {
        "Pumps Prospecting", "Pumps Key Accounts",
        "Controls Demand Generation", "Controls Customer Success",
        "Marketing Communication", "Service Contract Renewals",
    }  # fmt: skip
    department = Standup.objects.filter(team__name="Marketing Communication")
    assert department.count() == 16
    assert set(department.values_list("logged_by__username", flat=True)) == {"marcom"}
    assert Standup.objects.filter(date__gte=date(2026, 3, 20)).count() == 0
    assert Standup.objects.filter(ended_at__isnull=True).count() == 0
    assert StandupAttendance.objects.filter(present=True).count() > 0


def test_actions_mostly_done_some_overdue(data):
    actions = Action.objects.filter(source=Action.Source.STANDUP)

    assert data["summary"].actions == actions.count()
    done, open_ = actions.filter(done_at__isnull=False).count(), actions.filter(done_at=None)
    assert done > open_.count() > 0
    assert open_.filter(due_date__lt=date(2026, 3, 20)).exists()


def test_one_escalation_answered_one_waiting(data):
    escalated = Impediment.objects.filter(escalated_at__isnull=False).order_by("pk")

    assert [(i.title, bool(i.escalation_answer)) for i in escalated] == [
        ("Calling-program budget runs out before the trade-show follow-up", True),
        ("Key Accounts takes no handoffs on Fridays", False),
    ]
    assert {i.escalated_to.username for i in escalated} == {"vsm"}
    assert Impediment.objects.filter(state=Impediment.State.REMOVED).exists()


def test_an_adopted_cycle_made_a_new_version_of_the_teams_standard(data):
    adopted = Cycle.objects.get(outcome=Cycle.Outcome.ADOPT)
    standard = StandardWorkTemplate.objects.get(name=CALL_BLOCK_STANDARD)

    assert (adopted.phase, adopted.standard, adopted.team.name) == (
        Cycle.Phase.CLOSED, standard, "Pumps Prospecting",
    )  # fmt: skip
    latest = standard.versions.order_by("-number").first()
    assert (latest.number, latest.cycle) == (2, adopted)
    assert list(latest.items.values_list("title", flat=True)) == VERSION_2
    assert Cycle.objects.get(phase=Cycle.Phase.CHECK).title == "Fewer no-shows for booked meetings"


def test_control_points_have_enough_values_for_a_chart_and_one_signal(data):
    counts = {
        point.name: point.measurements.count()
        for point in ControlPoint.objects.filter(team__name="Pumps Prospecting")
    }

    # Six weeks of working days: two before the history's first day.
    assert counts == {"Calls per day": 30, "Connect rate": 30, "Meetings booked": 30}
    last_calls = Measurement.objects.filter(control_point__name="Calls per day").last()
    assert (last_calls.value, last_calls.out_of_limits) == (22, True)


def test_the_team_leader_worked_version_one_before_the_adoption_and_version_two_from_it(data):
    standard = StandardWorkTemplate.objects.get(name=CALL_BLOCK_STANDARD)
    checklists = Checklist.objects.filter(owner__username="leader").order_by("date")
    call_block = {
        day: [] for day in checklists.values_list("date", flat=True)
    }  # every day he has standard work
    for day, number, title in (
        Check.objects.filter(checklist__in=checklists, item__version__template=standard)
        .order_by("checklist__date", "position")
        .values_list("checklist__date", "item__version__number", "item__title")
    ):
        call_block[day].append((number, title))

    before = {day: checks for day, checks in call_block.items() if day < ADOPTED_ON}
    after = {day: checks for day, checks in call_block.items() if day >= ADOPTED_ON}
    assert (min(before), max(before), len(before)) == (date(2026, 2, 20), date(2026, 3, 5), 10)
    assert (min(after), max(after), len(after)) == (ADOPTED_ON, TODAY, 11)
    assert all(checks == [(1, title) for title in VERSION_1] for checks in before.values())
    assert all(checks == [(2, title) for title in VERSION_2] for checks in after.values())
    # Both versions' checks are in the history: done, missed or left open by him.
    worked = Check.objects.filter(
        checklist__owner__username="leader", item__version__template=standard
    ).exclude(status=Check.Status.OPEN)
    assert set(worked.values_list("item__version__number", flat=True)) == {1, 2}
    assert not worked.filter(checklist__date=TODAY).exists()


def test_each_call_block_version_took_effect_on_its_day_of_the_story(data):
    standard = StandardWorkTemplate.objects.get(name=CALL_BLOCK_STANDARD)
    v1, v2 = standard.versions.order_by("number")
    adopted = Cycle.objects.get(outcome=Cycle.Outcome.ADOPT)
    baseline = ControlPointBaseline.objects.get()

    # Version 1 is as old as the demo's other standard work: a week before the history.
    assert v1.effective_from == date(2026, 2, 13)
    assert v1.created_at == standard.created_at == datetime(2026, 2, 13, 9, 0, tzinfo=LONDON)
    assert v2.effective_from == ADOPTED_ON
    assert calendar.local_date(adopted.closed_at, "Europe/London") == v2.effective_from
    assert v2.created_at == adopted.closed_at == datetime(2026, 3, 6, 10, 0, tzinfo=LONDON)
    assert (baseline.control_point.name, baseline.starts_on, baseline.cycle) == (
        "Connect rate", ADOPTED_ON, adopted,
    )  # fmt: skip
    assert baseline.created_at == adopted.closed_at


def test_the_adopted_cycle_ran_its_phases_on_the_days_before_its_adoption(data):
    adopted = Cycle.objects.get(outcome=Cycle.Outcome.ADOPT)
    events = [
        (event.from_phase, event.to_phase, event.at.astimezone(LONDON))
        for event in adopted.events.order_by("pk")
    ]

    assert [(start, end, at.date(), at.time()) for start, end, at in events] == [
        ("plan", "plan", date(2026, 2, 24), time(11, 0)),
        ("plan", "do", date(2026, 2, 25), time(11, 0)),
        ("do", "check", date(2026, 3, 5), time(14, 0)),
        ("check", "act", date(2026, 3, 5), time(16, 30)),
        ("act", "closed", ADOPTED_ON, time(10, 0)),
    ]
    assert adopted.created_at == events[0][2]
    trial = Action.objects.get(cycle=adopted)
    assert (trial.due_date, trial.done_at.astimezone(LONDON).date()) == (
        date(2026, 2, 25), date(2026, 2, 25),
    )  # fmt: skip
    # The morning calls from the trial's first day, the day after the Do, show in the
    # connect rate; the afternoon calls before it make a baseline of 14 values.
    connect = Measurement.objects.filter(control_point__name="Connect rate")
    assert {m.value >= 18 for m in connect if m.measured_on >= date(2026, 2, 26)} == {True}
    assert {m.value <= 14 for m in connect if m.measured_on < date(2026, 2, 26)} == {True}
    assert connect.filter(measured_on__lt=date(2026, 2, 26)).count() == 14
    # Against the afternoon baseline the trial is a signal; from the adoption the
    # values have limits of their own, and sit inside them.
    trial = connect.filter(measured_on__range=(date(2026, 2, 26), date(2026, 3, 5)))
    assert set(trial.values_list("out_of_limits", flat=True)) == {True}
    assert not connect.filter(measured_on__gte=ADOPTED_ON, out_of_limits=True).exists()
    for measurement in Measurement.objects.all():
        entered = measurement.entered_at.astimezone(LONDON)
        assert (entered.date(), entered.time()) == (measurement.measured_on, time(18, 0))


def test_the_cycle_in_check_ran_its_phases_in_the_last_two_weeks(data):
    in_check = Cycle.objects.get(phase=Cycle.Phase.CHECK)

    assert [
        (event.to_phase, event.at.astimezone(LONDON).date())
        for event in in_check.events.order_by("pk")
    ] == [
        ("plan", date(2026, 3, 10)),
        ("do", date(2026, 3, 11)),
        ("check", date(2026, 3, 19)),
    ]
    assert in_check.closed_at is None


@pytest.mark.parametrize(
    ("today", "adopted_on"),
    [
        (date(2026, 11, 30), date(2026, 11, 17)),  # the Monday: 13 days before
        (date(2026, 3, 20), date(2026, 3, 6)),  # 13 days before is a Saturday
        (date(2026, 11, 29), date(2026, 11, 16)),  # a Sunday's: 13 days before is a Monday
        (date(2026, 3, 21), date(2026, 3, 6)),  # 13 days before is a Sunday
    ],
)
def test_the_adoption_is_thirteen_days_ago_or_the_working_day_before(today, adopted_on):
    team = Team(working_days=[1, 2, 3, 4, 5])

    assert adoption_day(team, today) == adopted_on


def test_a_second_run_builds_nothing(data):
    before = (Standup.objects.count(), Action.objects.count(), Cycle.objects.count())

    assert rhythm_seed(organisation=data["organisation"], now=NOW) is None
    assert (Standup.objects.count(), Action.objects.count(), Cycle.objects.count()) == before
