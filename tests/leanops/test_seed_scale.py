"""`manage.py seed_scale` (leanops.scale): a large organisation with a year of
history for `make bench`, built only on a database of its own.

Tiny sizes here; the timings at the default sizes live in the bench.
"""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count

from leanops.scale import (
    BENCH_TEAM_SIZE,
    NEW_TEAM_DAYS,
    SCALE_EMAIL_DOMAIN,
    TEAMS_PER_COORDINATOR,
    ScaleRefused,
    ScaleSizes,
    scale_seed,
    team_sizes,
)
from roles import rules
from roles.demo import organisation_seed
from roles.models import Membership, Team, User, ValueStream
from roles.selectors import person_places
from standardwork import calendar
from standardwork.models import (
    Absence,
    Check,
    CheckEvent,
    Checklist,
    ControlPoint,
    Cycle,
    Measurement,
    Standup,
    StandupAttendance,
    SummarisedWeek,
)

pytestmark = pytest.mark.django_db

# A Wednesday afternoon in London: the same Wednesday in every zone of the scaled org
# except Sydney, where it is already Thursday.
NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)
SIZES = ScaleSizes(value_streams=2, teams=6, people=60, days=40)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def scale_people():
    return User.objects.filter(email__endswith=f"@{SCALE_EMAIL_DOMAIN}")


def test_the_command_builds_exactly_the_organisation_asked_for_and_reports_its_phases():
    out = StringIO()

    call_command(
        "seed_scale", "--value-streams=2", "--teams=6", "--people=60", "--days=40", stdout=out
    )

    coordinators = 2  # one per four teams
    assert scale_people().count() == 60
    assert User.objects.count() == 60
    assert ValueStream.objects.count() == 2
    assert Team.objects.count() == 6
    assert Membership.objects.count() == 60 - 2 - coordinators
    report = out.getvalue()
    for phase in ("organisation", "standard work", "checklists", "stand-ups", "cycles", "commit"):
        assert phase in report
    assert "seed_scale: done in" in report
    assert f"{Checklist.objects.count():,} Checklist" in report


def test_every_team_has_one_leader_and_a_coordinator_who_is_not_its_vsm():
    scale_seed(sizes=SIZES, now=NOW)

    for team in Team.objects.prefetch_related("value_streams__vsm"):
        assert team.coordinator_id is not None
        assert team.memberships.filter(role=Membership.Role.LEADER).count() == 1
        assert team.memberships.count() >= 2
        assert (
            rules.coordinator_conflicts(
                coordinator=team.coordinator,
                value_streams=team.value_streams.all(),
                team_name=team.name,
            )
            == []
        )
        assert team.value_streams.count() == 1
    assert Team.objects.count() == 6
    per_coordinator = Team.objects.values("coordinator").annotate(n=Count("pk"))
    assert max(row["n"] for row in per_coordinator) == TEAMS_PER_COORDINATOR
    vsm_ids = set(ValueStream.objects.values_list("vsm_id", flat=True))
    assert not vsm_ids & set(Team.objects.values_list("coordinator_id", flat=True))
    assert not vsm_ids & set(Membership.objects.values_list("user_id", flat=True))


def test_the_first_coordinator_has_four_teams_of_eight_for_the_bench():
    scale_seed(sizes=ScaleSizes(value_streams=3, teams=12, people=130, days=10), now=NOW)

    first = Team.objects.order_by("pk").first().coordinator
    sizes = [team.memberships.count() for team in Team.objects.filter(coordinator=first)]
    assert sizes == [BENCH_TEAM_SIZE] * TEAMS_PER_COORDINATOR
    assert sum(team_sizes(ScaleSizes(value_streams=3, teams=12, people=130))) == 130 - 3 - 3


def test_everyone_has_a_checklist_on_each_working_day_but_leave_and_none_today():
    summary = scale_seed(sizes=SIZES, now=NOW)

    places = person_places()
    newcomers = _newest_value_stream_people()
    assert Absence.objects.exists()
    for person in scale_people():
        place = places[person.pk]
        today = calendar.local_date(NOW, place.time_zone)
        start = today - timedelta(days=NEW_TEAM_DAYS if person.pk in newcomers else SIZES.days)
        leave = set()
        for absence in Absence.objects.filter(person=person):
            day = absence.start_date
            while day <= absence.end_date:
                leave.add(day)
                day += timedelta(days=1)
        expected = set()
        day = start
        while day < today:
            if day.isoweekday() in place.working_days and day not in leave:
                expected.add(day)
            day += timedelta(days=1)
        issued = set(Checklist.objects.filter(owner=person).values_list("date", flat=True))
        assert issued == expected, person.username
    assert summary.created["standardwork.Checklist"] == Checklist.objects.count()
    assert summary.created["standardwork.Check"] == Check.objects.count()
    assert summary.created["standardwork.CheckEvent"] == CheckEvent.objects.count()


def test_checks_are_believable_history():
    scale_seed(sizes=SIZES, now=NOW)

    statuses = dict(Check.objects.values_list("status").annotate(n=Count("pk")))
    total = sum(statuses.values())
    assert 0.75 < statuses["done"] / total < 0.95
    assert 0.03 < statuses["missed"] / total < 0.15
    assert not Check.objects.filter(status="missed", miss_note="").exists()
    assert not Check.objects.filter(status="done", done_at__isnull=True).exists()
    ticks = CheckEvent.objects.filter(kind=CheckEvent.Kind.TICK).count()
    assert ticks == statuses["done"]
    assert CheckEvent.objects.filter(kind=CheckEvent.Kind.CONFIRM).exists()
    # Checks keep their template version's items; a checklist's items are in position order.
    for checklist in Checklist.objects.order_by("?")[:20]:
        positions = list(checklist.checks.values_list("position", flat=True))
        assert positions == list(range(len(positions)))


def test_standups_on_each_working_day_before_today_with_everyone_in_the_attendance():
    scale_seed(sizes=SIZES, now=NOW)

    for team in Team.objects.all():
        today = calendar.local_date(NOW, team.time_zone)
        standups = Standup.objects.filter(team=team)
        assert not standups.filter(date__gte=today).exists()
        days = set(standups.values_list("date", flat=True))
        assert all(day.isoweekday() in team.working_days for day in days)
        people = team.memberships.count()
        assert StandupAttendance.objects.filter(standup__team=team).count() == people * len(days)
    assert Cycle.objects.count() > 0
    assert ControlPoint.objects.count() == 2 * SIZES.teams
    assert Measurement.objects.count() > 0


def _newest_value_stream_people() -> set[int]:
    """The people whose history starts a week ago: the newest value stream's VSM, its
    teams' members, and a coordinator of none but its teams."""
    stream = ValueStream.objects.order_by("-pk").first()
    teams = Team.objects.filter(value_streams=stream)
    people = set(Membership.objects.filter(team__in=teams).values_list("user_id", flat=True))
    people.add(stream.vsm_id)
    for coordinator_id in set(teams.values_list("coordinator_id", flat=True)):
        if not Team.objects.filter(coordinator_id=coordinator_id).exclude(pk__in=teams).exists():
            people.add(coordinator_id)
    return people


def test_the_newest_value_stream_is_a_week_old_twin_of_the_first():
    scale_seed(sizes=ScaleSizes(value_streams=3, teams=18, people=180, days=30), now=NOW)

    first, newest = ValueStream.objects.order_by("pk")[0], ValueStream.objects.order_by("-pk")[0]

    def sizes(stream) -> list[int]:
        teams = Team.objects.filter(value_streams=stream).order_by("pk")
        return sorted(team.memberships.count() for team in teams)

    assert sizes(first) == [8, 8, 8, 8, 11, 11]
    assert sizes(newest) == [8, 8, 8, 8, 10, 10]
    old_start = Checklist.objects.filter(owner__memberships__team__value_streams=first)
    new_start = Checklist.objects.filter(owner__memberships__team__value_streams=newest)
    assert old_start.order_by("date").first().date == date(2026, 2, 16)
    assert new_start.order_by("date").first().date == date(2026, 3, 11)
    assert Checklist.objects.filter(owner=newest.vsm).order_by("date").first().date >= date(
        2026, 3, 11
    )


def test_the_newest_team_has_a_week_of_history():
    scale_seed(sizes=SIZES, now=NOW)

    new_team = Team.objects.order_by("-pk").first()
    first = Checklist.objects.filter(owner__memberships__team=new_team).order_by("date").first()
    assert first.date >= NOW.date() - timedelta(days=NEW_TEAM_DAYS)
    assert new_team.memberships.count() == BENCH_TEAM_SIZE


def test_the_same_date_gives_the_same_history():
    def fingerprint() -> list:
        with transaction.atomic():
            scale_seed(sizes=SIZES, now=NOW)
            rows = list(
                Check.objects.order_by(
                    "checklist__owner__username", "checklist__date", "position"
                ).values_list("checklist__owner__username", "checklist__date", "status")
            )
            transaction.set_rollback(True)
        return rows

    assert fingerprint() == fingerprint()


def test_builds_on_the_demo_and_gives_its_people_a_year_before_their_first_checklist():
    organisation_seed(password="demo-password-1")

    scale_seed(sizes=SIZES, now=NOW)

    leader = User.objects.get(username="leader")
    dates = list(Checklist.objects.filter(owner=leader).values_list("date", flat=True))
    assert min(dates) >= date(2026, 3, 18) - timedelta(days=SIZES.days)
    assert len(dates) > 20
    assert Standup.objects.filter(team__name="Pumps Prospecting").exists()


def test_refuses_a_database_with_someone_else_and_writes_nothing():
    User.objects.create_user(username="pat", email="pat@example.com", password="x-1234567")
    before = row_counts()

    with pytest.raises(CommandError, match="1 users that are neither demo logins nor its own"):
        call_command("seed_scale", "--value-streams=1", "--teams=2", "--people=10", "--days=5")

    assert row_counts() == before


def test_refuses_to_build_a_second_time_and_writes_nothing():
    scale_seed(sizes=SIZES, now=NOW)
    before = row_counts()

    with pytest.raises(ScaleRefused, match="already holds a scaled organisation"):
        scale_seed(sizes=SIZES, now=NOW)

    assert row_counts() == before


def test_refuses_sizes_that_cannot_make_teams():
    with pytest.raises(CommandError, match="at least 25 people"):
        call_command("seed_scale", "--value-streams=2", "--teams=10", "--people=12", "--days=5")

    assert not User.objects.exists()


def test_weeks_summarised_before_the_history_is_written_are_counted_again():
    SummarisedWeek.objects.create(week_start=date(2026, 3, 9))

    scale_seed(sizes=SIZES, now=NOW)

    assert list(SummarisedWeek.objects.values_list("week_start", "stale")) == [
        (date(2026, 3, 9), True)
    ]
