"""Every panel of the dashboard against a hand-built week (Monday 23 November 2026,
the suite's clock on Wednesday 25th at 10:00 in London)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from standardwork.models import Check, Cycle, Impediment, MissReason
from tests.standardwork.factories import (
    CheckFactory,
    StandardWorkTemplateFactory,
    TemplateItemFactory,
    TemplateVersionFactory,
)
from tests.valuestream.reviews.conftest import at
from tests.valuestream.reviews.factories import (
    ActionFactory,
    ControlPointFactory,
    CycleFactory,
    ImpedimentFactory,
    MeasurementFactory,
    StandupFactory,
)
from valuestream.selectors.dashboard import agenda_build, review_scope

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 23)
NOW = at("2026-11-25 10:00", "Europe/London")


def _checks(owner, day, *, done=0, missed=0, open_=0):
    for _ in range(done):
        CheckFactory(checklist__owner=owner, checklist__date=day, status=Check.Status.DONE)
    for _ in range(missed):
        CheckFactory(checklist__owner=owner, checklist__date=day, status=Check.Status.MISSED)
    for _ in range(open_):
        CheckFactory(checklist__owner=owner, checklist__date=day)


@pytest.fixture
def week(org):
    """Standard work, stand-ups, impediments, actions, cycles and control points."""
    _checks(org.tl, MONDAY, done=2, missed=1)
    _checks(org.member, MONDAY, done=1, missed=1)
    _checks(org.member, MONDAY + timedelta(days=2), open_=1)  # today: not yet due
    _checks(org.tl, MONDAY - timedelta(weeks=1), done=1)
    # Stand-ups: North's rhythm began last Friday; Monday held, Tuesday opened but not
    # held, Wednesday logged (09:00 has passed). MC's department holds none.
    StandupFactory(team=org.north, date=date(2026, 11, 20), started_at=NOW)
    StandupFactory(team=org.north, date=MONDAY, started_at=NOW)
    StandupFactory(team=org.north, date=MONDAY + timedelta(days=1))
    StandupFactory(team=org.north, date=MONDAY + timedelta(days=2), logged_by=org.tc)
    old = ImpedimentFactory(team=org.north, title="Attendee list late")
    escalated = ImpedimentFactory(
        team=org.north,
        title="Dialler drops calls",
        escalated_at=NOW,
        escalated_to=org.vsm,
        escalation_reason="Needs budget",
    )
    ImpedimentFactory(team=org.north, state=Impediment.State.REMOVED, removed_how="Fixed")
    Impediment.objects.filter(pk=old.pk).update(raised_at=NOW - timedelta(days=5, hours=1))
    Impediment.objects.filter(pk=escalated.pk).update(raised_at=NOW - timedelta(days=3))
    ActionFactory(
        team=org.north, owner=org.member, title="Clean the list", due_date=date(2026, 11, 20)
    )
    ActionFactory(team=org.north, owner=org.tl, due_date=date(2026, 11, 30))
    ActionFactory(team=org.north, owner=org.tl, due_date=date(2026, 11, 2), done_at=NOW)
    CycleFactory(team=org.north, kind=Cycle.Kind.PDCA, phase=Cycle.Phase.DO)
    CycleFactory(team=org.north, kind=Cycle.Kind.SDCA, phase=Cycle.Phase.PLAN)
    adopted = CycleFactory(
        team=org.north,
        title="Morning call block",
        phase=Cycle.Phase.CLOSED,
        outcome=Cycle.Outcome.ADOPT,
        closed_at=at("2026-11-24 16:00", "Europe/London"),
    )
    CycleFactory(
        team=org.north,
        phase=Cycle.Phase.CLOSED,
        outcome=Cycle.Outcome.ADOPT,
        closed_at=at("2026-11-22 16:00", "Europe/London"),  # last week
    )
    template = StandardWorkTemplateFactory(name="Call block", team=org.north)
    TemplateVersionFactory(template=template, number=2, cycle=adopted)
    flagged = ControlPointFactory(team=org.north, name="Calls per day")
    MeasurementFactory(control_point=flagged, value=40, measured_on=date(2026, 11, 23))
    MeasurementFactory(
        control_point=flagged,
        value=12,
        measured_on=date(2026, 11, 24),
        out_of_limits=True,
        signal="Rule 1: below the lower natural process limit",
    )
    calm = ControlPointFactory(team=org.north, name="Connect rate")
    MeasurementFactory(control_point=calm, value=20, out_of_limits=True, measured_on=MONDAY)
    MeasurementFactory(control_point=calm, value=21, measured_on=MONDAY + timedelta(days=1))
    retired = ControlPointFactory(team=org.north, is_active=False)
    MeasurementFactory(control_point=retired, out_of_limits=True)
    return org


def _agenda(org):
    return agenda_build(scope=review_scope(org.pumps), week_start=MONDAY, now=NOW)


def test_adherence_by_layer_and_by_team_for_the_week_and_the_weeks_before(week):
    adherence = _agenda(week)["adherence"]

    by_layer = {row["layer"]: row for row in adherence["by_layer"]}
    assert list(by_layer) == ["tl", "member"]
    assert by_layer["tl"]["week"] == {
        "done": 2,
        "missed": 1,
        "open": 0,
        "completion": 67,
        "planned_share": 6,  # 30 of 480 minutes
        "actual_share": 4,
        "planned_minutes": 30,
        "actual_minutes": 20,
    }
    assert by_layer["tl"]["target"] == 80
    assert by_layer["tl"]["weeks"] == [None] * 7 + [100, 67]
    assert by_layer["member"]["week"]["completion"] == 50
    assert by_layer["member"]["week"]["open"] == 1
    north, marcom = sorted(adherence["by_team"], key=lambda row: row["name"] != "North")
    assert (north["week"]["done"], north["week"]["missed"], north["week"]["completion"]) == (
        3,
        2,
        60,
    )
    assert north["weeks"] == [None] * 7 + [100, 60]
    assert marcom["weeks"] == [None] * 9
    assert adherence["week"]["completion"] == 60


def test_top_miss_reasons_and_open_reds(week):
    agenda = _agenda(week)

    reason = MissReason.objects.order_by("pk").first().label
    assert agenda["adherence"]["miss_reasons"] == [{"reason": reason, "count": 2, "percent": 100}]
    assert agenda["reds"] == {
        "count": 2,
        "people": [
            {"person_id": week.member.pk, "name": "Mia Member", "count": 1},
            {"person_id": week.tl.pk, "name": "Tom Lead", "count": 1},
        ],
    }


def test_standups_held_against_due_from_the_teams_first_standup(week):
    standups = _agenda(week)["standups"]

    assert standups["by_team"] == [
        {"team_id": week.marcom.pk, "name": "Marketing Communication", "due": 0, "held": 0},
        {"team_id": week.north.pk, "name": "North", "due": 3, "held": 2},
    ]
    assert (standups["held"], standups["due"]) == (2, 3)
    assert standups["weeks"] == [None] * 7 + [100, 67]


def test_open_and_escalated_impediments_with_their_age_and_overdue_actions(week):
    agenda = _agenda(week)

    impediments = agenda["impediments"]
    assert (impediments["open"], impediments["escalated"]) == (2, 1)
    assert [(row["title"], row["age_days"], row["escalated"]) for row in impediments["oldest"]] == [
        ("Attendee list late", 5, False),
        ("Dialler drops calls", 3, True),
    ]
    assert agenda["actions"]["count"] == 1
    (overdue,) = agenda["actions"]["oldest"]
    assert (overdue["title"], overdue["owner"], overdue["days_overdue"]) == (
        "Clean the list",
        "Mia Member",
        5,
    )


def test_cycles_by_state_and_those_adopted_this_week_with_their_versions(week):
    cycles = _agenda(week)["cycles"]

    counted = {
        (row["kind"], row["phase"]): row["count"] for row in cycles["by_state"] if row["count"]
    }
    assert counted == {("PDCA", "Do"): 1, ("SDCA", "Plan"): 1}
    assert cycles["open"] == 2
    assert [(row["title"], row["versions"]) for row in cycles["adopted"]] == [
        ("Morning call block", ["Call block, version 2"])
    ]


def test_control_points_whose_latest_value_is_outside_the_limits(week):
    control_points = _agenda(week)["control_points"]

    assert control_points["count"] == 1
    (row,) = control_points["rows"]
    assert (row["name"], row["value"], row["measured_on"], row["values"]) == (
        "Calls per day",
        "12",
        "2026-11-24",
        [40.0, 12.0],
    )
    assert row["signal"] == "Rule 1: below the lower natural process limit"


def test_campaign_panels_say_campaigns_are_not_set_up_yet(week, client):
    client.force_login(week.vsm)

    html = client.get(reverse("valuestream:dashboard")).content.decode()

    assert _agenda(week)["campaigns"] is None
    assert "Campaigns are not set up yet." in html


def test_a_tc_sees_the_panels_of_their_own_teams_only(week, client):
    client.force_login(week.tc)

    response = client.get(reverse("valuestream:dashboard"))

    (board,) = response.context["boards"]
    assert [team["name"] for team in board.agenda["teams"]] == ["North"]
    assert board.agenda["whole"] is False


def _year_of_history(org):
    item = TemplateItemFactory()
    for weeks_back in range(1, 53):
        day = MONDAY - timedelta(weeks=weeks_back)
        for person in (org.tl, org.member):
            CheckFactory(
                checklist__owner=person, checklist__date=day, item=item, status=Check.Status.DONE
            )
        StandupFactory(team=org.north, date=day, started_at=timezone.now())
        ActionFactory(team=org.north, owner=org.tl, due_date=day, done_at=timezone.now())


def test_the_dashboards_queries_do_not_grow_with_a_year_of_history(week, client):
    client.force_login(week.vsm)
    url = reverse("valuestream:dashboard")
    client.get(url)
    with CaptureQueriesContext(connection) as one_week:
        assert client.get(url).status_code == 200

    _year_of_history(week)
    with CaptureQueriesContext(connection) as a_year:
        assert client.get(url).status_code == 200

    assert len(a_year) == len(one_week)


def test_the_dashboard_answers_in_a_fixed_number_of_queries(
    week, client, django_assert_max_num_queries
):
    client.force_login(week.vsm)
    url = reverse("valuestream:dashboard")
    client.get(url)

    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200


def test_a_control_points_sparkline_is_its_last_twelve_counted_values(org):
    point = ControlPointFactory(team=org.north, name="Meetings booked")
    first = MONDAY - timedelta(days=20)
    for offset in range(20):
        MeasurementFactory(
            control_point=point, value=offset, measured_on=first + timedelta(days=offset)
        )
    # A voided value does not count: the day's value that replaced it does.
    MeasurementFactory(
        control_point=point, value=99, measured_on=MONDAY - timedelta(days=3), voided_at=NOW
    )
    MeasurementFactory(control_point=point, value=3, out_of_limits=True, measured_on=MONDAY)

    (row,) = _agenda(org)["control_points"]["rows"]

    assert row["values"] == [float(value) for value in range(9, 20)] + [3.0]
    assert (row["value"], row["measured_on"]) == ("3", "2026-11-23")
