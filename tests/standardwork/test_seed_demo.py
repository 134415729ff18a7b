"""The demo standard work (standardwork.demo): templates for every layer and four
weeks of believable history, the same on every run for the same date.

The seed takes seconds, so this module builds it once, for a fixed "now" that
spans the US change to summer time (8 March 2026), inside one transaction
rolled back at the end; each test runs in a savepoint inside it.
"""

import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models import Count

from roles.demo import organisation_seed
from roles.models import Layer, User, ValueStream
from standardwork import calendar, policy
from standardwork.defaults import MISS_REASONS
from standardwork.demo import HISTORY_DAYS, RECENT_DAYS, standard_work_seed
from standardwork.models import (
    Absence,
    Check,
    CheckEvent,
    Checklist,
    MissReason,
    Notice,
    StandardWorkTemplate,
    TemplateItem,
    TemplateVersion,
)
from standardwork.models.standard import RED_CHECK

pytestmark = pytest.mark.django_db

# A Friday afternoon in London; already Friday evening in Kolkata, Friday morning in Chicago.
NOW = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)
TODAY = date(2026, 3, 20)
FIRST_DAY = TODAY - timedelta(days=HISTORY_DAYS)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        organisation = organisation_seed(password="demo-password-1")
        result = standard_work_seed(organisation=organisation, now=NOW)
        yield result
        transaction.set_rollback(True)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_every_layer_has_its_standard_work_and_each_value_stream_its_weekly_review(demo):
    templates = {
        template.name: template
        for template in StandardWorkTemplate.objects.select_related("value_stream")
    }

    assert demo.templates_created == 8  # and the team's own, with its improvement story
    assert {name: template.layer for name, template in templates.items()} == {
        "Pumps Prospecting call block": Layer.TL,
        "Team Leader daily standard work": Layer.TL,
        "Team member daily standard work": Layer.MEMBER,
        "Team Coordinator standard work": Layer.TC,
        "Marketing Communication standard work": Layer.MC,
        "Value Stream Manager standard work": Layer.VSM,
        "Weekly review: Industrial Pumps": Layer.VSM,
        "Weekly review: Building Controls": Layer.VSM,
        "Weekly review: Pump Service Contracts": Layer.VSM,
    }
    scoped = {
        name: template.value_stream.name
        for name, template in templates.items()
        if template.value_stream_id
    }
    assert scoped == {
        "Weekly review: Industrial Pumps": "Industrial Pumps",
        "Weekly review: Building Controls": "Building Controls",
        "Weekly review: Pump Service Contracts": "Pump Service Contracts",
    }
    team_scoped = StandardWorkTemplate.objects.filter(team__isnull=False)
    assert list(team_scoped.values_list("name", "team__name")) == [
        ("Pumps Prospecting call block", "Pumps Prospecting")
    ]


def test_weekly_review_falls_on_each_value_streams_review_weekday(demo):
    for template in StandardWorkTemplate.objects.filter(value_stream__isnull=False):
        version = template.versions.get()
        review = version.items.get(kind=TemplateItem.Kind.ATTEND)
        assert review.cadence == TemplateItem.Cadence.WEEKLY
        assert review.weekday == template.value_stream.weekly_review_weekday
        assert review.expected_minutes == 60


def test_items_have_the_cadences_and_kinds_of_the_domain(demo):
    items = {
        (item.version.template.layer, item.title): (item.cadence, item.kind)
        for item in TemplateItem.objects.select_related("version__template")
    }

    assert items[(Layer.TL, "Head the daily stand-up (15 minutes)")] == ("daily", "attend")
    assert items[(Layer.TL, "Add new call scripts to the follow-up campaign")] == ("weekly", "do")
    assert items[(Layer.TL, "Check call-list progress against today's plan")] == ("daily", "do")
    assert items[(Layer.MEMBER, "Log the outcome of every call")] == ("daily", "do")
    assert items[(Layer.MEMBER, "Review your call list for today")] == ("daily", "do")
    assert items[(Layer.TC, "Verify the Team Leaders' standard work")] == ("daily", "verify")
    assert items[(Layer.TC, "Run the weekly script-playback training")] == ("weekly", "attend")
    assert items[(Layer.TC, "Attend the teams' stand-ups and log their outcomes")] == (
        "daily",
        "attend",
    )
    assert items[(Layer.TC, "Coordinate the follow-up sequences with Marketing Communication")] == (
        "weekly",
        "do",
    )
    assert items[(Layer.MC, "Send this week's direct mail")] == ("weekly", "do")
    assert items[(Layer.VSM, "Check the calling-program budget against spend")] == (
        "weekly",
        "do",
    )
    assert items[(Layer.VSM, "Verify the Team Coordinators' and Team Leaders' standard work")] == (
        "daily",
        "verify",
    )
    assert items[(Layer.VSM, "Review ROI per program and set next month's budget")] == (
        "monthly",
        "do",
    )


def test_team_leader_standard_work_was_revised_once_and_old_checklists_keep_version_one(demo):
    template = StandardWorkTemplate.objects.get(name="Team Leader daily standard work")
    v1, v2 = template.versions.order_by("number")
    revised_on = FIRST_DAY + timedelta(days=HISTORY_DAYS // 2)

    assert (v1.number, v2.number) == (1, 2)
    assert v2.note.startswith("Adopted from a PDCA cycle")
    assert v2.items.count() == v1.items.count() + 1 == 6
    assert v2.created_at == datetime(2026, 3, 6, 7, 30, tzinfo=UTC)
    assert TemplateVersion.objects.count() == 11  # and the call block's two
    leader_checks = Check.objects.filter(checklist__owner__username="leader")
    assert set(
        leader_checks.filter(checklist__date__lt=revised_on).values_list(
            "item__version__number", flat=True
        )
    ) == {1}
    assert set(
        leader_checks.filter(checklist__date__gte=revised_on).values_list(
            "item__version__number", flat=True
        )
    ) == {2}


def test_history_has_a_checklist_for_every_working_day_of_four_weeks(demo):
    history = demo.history

    assert history.checklists == Checklist.objects.count() == 615
    assert history.checks == Check.objects.count() == 1648
    assert Checklist.objects.aggregate(first=Count("date", distinct=True))["first"] == 25
    assert min(Checklist.objects.values_list("date", flat=True)) == FIRST_DAY
    assert max(Checklist.objects.values_list("date", flat=True)) == TODAY
    # Everyone with a layer (29 people, not the admin) has standard work.
    assert Checklist.objects.values("owner").distinct().count() == 29
    assert not Checklist.objects.filter(owner__username="admin").exists()
    for checklist in Checklist.objects.select_related("owner"):
        assert checklist.date.isoweekday() in (1, 2, 3, 4, 5, 6), checklist
        if checklist.date.isoweekday() == 6:
            assert checklist.time_zone == "Asia/Kolkata", checklist


def test_marketing_communication_works_monday_to_thursday(demo):
    weekdays = {
        day.isoweekday()
        for day in Checklist.objects.filter(owner__username="marcom").values_list("date", flat=True)
    }

    assert weekdays == {1, 2, 3, 4}


def test_a_member_took_three_days_of_leave_and_got_no_checklist_for_them(demo):
    absence = Absence.objects.get()

    assert demo.history.absences == 1
    assert absence.person.username == "owen.gallagher"
    assert absence.reason == Absence.Reason.LEAVE
    assert absence.created_by.username == "leader"
    assert (absence.start_date, absence.end_date) == (date(2026, 3, 4), date(2026, 3, 6))
    assert not Checklist.objects.filter(
        owner=absence.person, date__range=(absence.start_date, absence.end_date)
    ).exists()
    assert Checklist.objects.filter(owner=absence.person, date=date(2026, 3, 3)).exists()


def test_past_days_are_mostly_ticked_some_missed_with_a_reason_and_a_few_left_open(demo):
    history = demo.history
    past = Check.objects.filter(checklist__date__lt=TODAY)
    statuses = dict(past.values_list("status").annotate(n=Count("pk")))

    assert statuses == {"done": 1356, "missed": 117, "open": 104}
    assert (history.ticked, history.missed, history.left_open) == (1356, 117, 104)
    assert 0.80 < history.ticked / past.count() < 0.90
    assert 0.05 < history.missed / past.count() < 0.11
    missed = past.filter(status=Check.Status.MISSED)
    assert not missed.filter(miss_note="").exists()
    assert not missed.filter(miss_reason__isnull=True, miss_reason_text="").exists()
    assert missed.filter(miss_reason__isnull=True).count() == 11  # typed reasons
    top_reason = (
        missed.filter(miss_reason__isnull=False)
        .values_list("miss_reason__label")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert top_reason == ("Customer call or meeting ran over", 27)


def test_today_is_left_to_the_people_themselves(demo):
    todays = Check.objects.filter(checklist__date=TODAY)

    assert todays.count() == 71
    assert set(todays.values_list("status", flat=True)) == {Check.Status.OPEN}
    assert not CheckEvent.objects.filter(check_item__checklist__date=TODAY).exists()


def test_every_tick_and_miss_is_in_the_history_on_its_own_local_day(demo):
    kinds = dict(CheckEvent.objects.values_list("kind").annotate(n=Count("pk")))

    assert kinds == {"tick": 1356, "miss": 117, "confirm": 619, "request": 96, "record": 93}
    events = CheckEvent.objects.filter(kind__in=["tick", "miss"]).select_related(
        "check_item__checklist", "actor"
    )
    for event in events:
        checklist = event.check_item.checklist
        assert event.actor_id == checklist.owner_id
        assert calendar.local_date(event.at, checklist.time_zone) == checklist.date, event
    for check in Check.objects.filter(status=Check.Status.DONE).select_related("checklist"):
        local = check.done_at.astimezone(zoneinfo.ZoneInfo(check.checklist.time_zone))
        assert local.date() == check.checklist.date
        assert 8 <= local.hour < 13
        assert check.actual_minutes == check.item.expected_minutes


def test_checklists_were_issued_on_their_own_morning(demo):
    for checklist in Checklist.objects.filter(date__lt=TODAY):
        assert calendar.local_date(checklist.issued_at, checklist.time_zone) == checklist.date


def test_the_layer_above_confirmed_days_and_asked_for_countermeasures(demo):
    history = demo.history
    confirmed = Checklist.objects.filter(verified_by__isnull=False).select_related(
        "owner", "verified_by"
    )

    assert history.confirmed_days == confirmed.count() == 228
    assert {(c.owner.username, c.verified_by.username) for c in confirmed} >= {
        ("leader", "coordinator"),
        ("member", "coordinator"),
        ("coordinator", "vsm"),
        ("kavya.reddy", "rahul.menon"),
        ("rahul.menon", "daniel.okafor"),
    }
    for checklist in confirmed:
        assert calendar.local_date(checklist.verified_at, checklist.time_zone) == checklist.date
        assert not checklist.checks.filter(status=Check.Status.OPEN).exists()
    assert (history.countermeasures_requested, history.countermeasures_recorded) == (96, 93)


def test_countermeasures_not_yet_recorded_stay_red(demo):
    requested = Check.objects.filter(verification=Check.Verification.COUNTERMEASURE_REQUESTED)
    recorded = Check.objects.filter(verification=Check.Verification.COUNTERMEASURE_RECORDED)

    assert requested.count() == 3
    assert all(check.is_red for check in requested)
    assert recorded.count() == 93
    assert not recorded.filter(countermeasure="").exists()
    assert all(not check.is_red for check in recorded)
    notices = Notice.objects.filter(kind=Notice.Kind.COUNTERMEASURE)
    assert notices.count() == 96
    assert notices.filter(read_at__isnull=True).count() == 3


def test_most_old_misses_have_their_countermeasure_so_few_reds_are_carried(demo):
    recent = TODAY - timedelta(days=RECENT_DAYS)
    old_misses = Check.objects.filter(status=Check.Status.MISSED, checklist__date__lt=recent)
    old_reds = old_misses.filter(RED_CHECK).select_related("checklist__owner")

    answered = old_misses.filter(verification=Check.Verification.COUNTERMEASURE_RECORDED)
    on_the_coordinators_board = old_reds.filter(
        checklist__owner__in=policy.verifiable_people(User.objects.get(username="coordinator"))
    )
    above_everyone = old_reds.filter(checklist__owner__in=ValueStream.objects.values("vsm"))

    assert (old_misses.count(), answered.count(), old_reds.count()) == (104, 86, 18)
    assert above_everyone.count() == 8  # nobody verifies the VSMs: on no one's board
    # The demo's leader keeps one waiting: the board carries it into every later day.
    assert [c.checklist.owner.username for c in on_the_coordinators_board] == ["leader"]
    for check in answered:
        asked, recorded = (
            check.events.filter(kind=kind).values_list("at", flat=True).get()
            for kind in (
                CheckEvent.Kind.REQUEST_COUNTERMEASURE,
                CheckEvent.Kind.RECORD_COUNTERMEASURE,
            )
        )
        assert check.checklist.date <= calendar.local_date(asked, check.checklist.time_zone)
        assert asked < recorded < datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC)


def test_the_admin_wrote_the_templates_and_the_coordinator_the_teams_own(demo):
    authors = set(
        TemplateVersion.objects.values_list("template__name", "number", "created_by__username")
    )

    assert {(name, number) for name, number, username in authors if username != "admin"} == {
        ("Pumps Prospecting call block", 1),
        ("Pumps Prospecting call block", 2),
    }
    assert {username for name, number, username in authors if username != "admin"} == {
        "coordinator"
    }


def test_running_the_seed_again_creates_nothing(demo):
    organisation = organisation_seed(password="demo-password-1")
    before = row_counts()

    again = standard_work_seed(organisation=organisation, now=NOW + timedelta(days=3))

    assert again.templates_created == 0
    assert again.history is None
    assert row_counts() == before


def test_a_flushed_database_gets_the_default_reasons_back(demo):
    # A browser test's flush removes the rows migration 0002 added.
    Checklist.objects.all().delete()
    MissReason.objects.all().delete()

    again = standard_work_seed(organisation=organisation_seed(password="x"), now=NOW)

    assert list(MissReason.objects.values_list("label", flat=True)) == MISS_REASONS
    missed = Check.objects.filter(status=Check.Status.MISSED)
    assert again.history.missed == missed.count() > 0
    assert missed.filter(miss_reason__label="Customer call or meeting ran over").exists()
