"""The demo's stand-ups, impediments, actions, cycles and control points."""

from datetime import UTC, date, datetime

import pytest
from django.db import transaction

from roles.demo import organisation_seed
from standardwork.demo import standard_work_seed
from standardwork.demo_rhythm import CALL_BLOCK_STANDARD, rhythm_seed
from standardwork.models import (
    Action,
    ControlPoint,
    Cycle,
    Impediment,
    Measurement,
    StandardWorkTemplate,
    Standup,
    StandupAttendance,
)

NOW = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)


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
    assert list(latest.items.values_list("title", flat=True)) == [
        "Protect the team's call block 08:00-10:00",
        "Check the call list is loaded the evening before",
    ]
    assert Cycle.objects.get(phase=Cycle.Phase.CHECK).title == "Fewer no-shows for booked meetings"


def test_control_points_have_enough_values_for_a_chart_and_one_signal(data):
    counts = {
        point.name: point.measurements.count()
        for point in ControlPoint.objects.filter(team__name="Pumps Prospecting")
    }

    assert counts == {"Calls per day": 20, "Connect rate": 20, "Meetings booked": 20}
    last_calls = Measurement.objects.filter(control_point__name="Calls per day").last()
    assert (last_calls.value, last_calls.out_of_limits) == (22, True)


def test_a_second_run_builds_nothing(data):
    before = (Standup.objects.count(), Action.objects.count(), Cycle.objects.count())

    assert rhythm_seed(organisation=data["organisation"], now=NOW) is None
    assert (Standup.objects.count(), Action.objects.count(), Cycle.objects.count()) == before
