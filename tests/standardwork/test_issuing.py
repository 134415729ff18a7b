"""Issuing checklists: idempotent, catching up, in each team's own time zone."""

import threading
from datetime import date

import pytest
from django.db import connection

from roles.models import Layer
from standardwork.models import Absence, Check, Checklist, TemplateItem
from standardwork.services import checklists as checklist_services
from standardwork.services import templates as template_services
from standardwork.services.templates import ItemSpec
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory
from tests.standardwork.conftest import at

pytestmark = pytest.mark.django_db


def checklist_dates(user) -> list[date]:
    return list(
        Checklist.objects.filter(owner=user).order_by("date").values_list("date", flat=True)
    )


def titles(checklist: Checklist) -> list[str]:
    return list(checklist.checks.order_by("position").values_list("item__title", flat=True))


def test_first_tick_issues_todays_checklist_with_the_items_due(org, tl_template):
    # Wednesday 2026-11-18, 07:00 in London: the weekly item falls due today.
    issued = checklist_services.checklists_issue_due(now=at("2026-11-18 07:00"))

    assert issued == 1
    checklist = Checklist.objects.get(owner=org["leader"])
    assert checklist.date == date(2026, 11, 18)
    assert checklist.time_zone == "Europe/London"
    assert titles(checklist) == [
        "Head the daily stand-up",
        "Check call-list progress",
        "Add new call scripts to the campaign",
    ]


def test_weekly_item_is_not_on_other_days(org, tl_template):
    checklist_services.checklists_issue_due(now=at("2026-11-17 07:00"))  # Tuesday

    checklist = Checklist.objects.get(owner=org["leader"])
    assert titles(checklist) == ["Head the daily stand-up", "Check call-list progress"]


def test_running_twice_changes_nothing(org, tl_template):
    now = at("2026-11-18 07:00")
    checklist_services.checklists_issue_due(now=now)
    checks_before = list(Check.objects.order_by("pk").values_list("pk", "item_id", "checklist_id"))

    issued_again = checklist_services.checklists_issue_due(now=now)

    assert issued_again == 0
    assert Checklist.objects.count() == 1
    assert list(Check.objects.order_by("pk").values_list("pk", "item_id", "checklist_id")) == (
        checks_before
    )


def test_an_issuer_that_lost_the_race_adds_nothing(org, tl_template):
    """Interleaving: a second issuer decided to issue before the first committed."""
    from roles.selectors import person_places
    from standardwork.services import checklists

    checklist_services.checklists_issue_due(now=at("2026-11-18 07:00"))
    place = person_places(user_ids=[org["leader"].pk])[org["leader"].pk]
    late_items = checklists._due_items(checklists._active_templates(), place, date(2026, 11, 18))

    checklists._issue(place=place, day=date(2026, 11, 18), items=late_items)

    assert Checklist.objects.filter(owner=org["leader"]).count() == 1
    assert Check.objects.filter(checklist__owner=org["leader"]).count() == 3


def test_a_batch_issuer_that_lost_the_race_adds_nothing_and_counts_none(org, tl_template):
    """Interleaving: the batch issuer decided what to issue before the page issued today."""
    from roles.selectors import person_places
    from standardwork.services import checklists

    checklist_services.checklist_issue_today(user=org["leader"], now=at("2026-11-18 07:00"))
    place = person_places(user_ids=[org["leader"].pk])[org["leader"].pk]
    day = date(2026, 11, 18)
    late_items = checklists._due_items(checklists._active_templates(), place, day)
    checks_before = list(Check.objects.order_by("pk").values_list("pk", "item_id", "checklist_id"))

    issued = checklists._issue_many([(place, day, late_items)])

    assert issued == 0
    assert Checklist.objects.filter(owner=org["leader"]).count() == 1
    assert list(Check.objects.order_by("pk").values_list("pk", "item_id", "checklist_id")) == (
        checks_before
    )


@pytest.mark.django_db(transaction=True)
def test_two_workers_issuing_at_once_leave_one_checklist_each(org, tl_template):
    now = at("2026-11-18 07:00")
    barrier = threading.Barrier(2)
    errors = []

    def issue():
        try:
            barrier.wait(timeout=10)
            checklist_services.checklists_issue_due(now=now)
        except Exception as error:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=issue) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert errors == []
    assert Checklist.objects.filter(owner=org["leader"]).count() == 1
    assert Check.objects.filter(checklist__owner=org["leader"]).count() == 3


def test_catch_up_issues_the_days_the_worker_was_down(org, tl_template):
    checklist_services.checklists_issue_due(now=at("2026-11-16 07:00"))  # Monday

    checklist_services.checklists_issue_due(now=at("2026-11-19 07:00"))  # Thursday, after a gap

    assert checklist_dates(org["leader"]) == [
        date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19),
    ]  # fmt: skip
    missed_day = Checklist.objects.get(owner=org["leader"], date=date(2026, 11, 17))
    assert set(missed_day.checks.values_list("status", flat=True)) == {Check.Status.OPEN}


def test_catch_up_is_bounded(org, tl_template):
    checklist_services.checklists_issue_due(now=at("2026-10-01 07:00"))

    checklist_services.checklists_issue_due(now=at("2026-11-19 07:00"))

    dates = checklist_dates(org["leader"])
    assert dates[0] == date(2026, 10, 1)
    assert dates[1] == date(2026, 11, 5)  # 14 days back from Thursday 19 November
    assert len(dates) == 1 + 11  # 5-19 November holds 11 working days


def test_non_working_days_and_absences_get_no_checklist(org, tl_template):
    checklist_services.checklists_issue_due(now=at("2026-11-13 07:00"))  # Friday
    Absence.objects.create(
        person=org["leader"], start_date=date(2026, 11, 17), end_date=date(2026, 11, 18)
    )

    checklist_services.checklists_issue_due(now=at("2026-11-19 07:00"))

    # Saturday 14, Sunday 15 (weekend) and Tuesday 17, Wednesday 18 (leave) are skipped.
    assert checklist_dates(org["leader"]) == [
        date(2026, 11, 13), date(2026, 11, 16), date(2026, 11, 19),
    ]  # fmt: skip


def test_opening_the_page_issues_today_through_the_same_service(org, tl_template):
    checklist = checklist_services.checklist_issue_today(
        user=org["leader"], now=at("2026-11-18 07:00")
    )

    assert checklist.date == date(2026, 11, 18)
    assert checklist_services.checklists_issue_due(now=at("2026-11-18 07:30")) == 0
    assert Checklist.objects.filter(owner=org["leader"]).count() == 1


def test_page_on_a_weekend_issues_nothing(org, tl_template):
    assert (
        checklist_services.checklist_issue_today(user=org["leader"], now=at("2026-11-21 09:00"))
        is None
    )
    assert Checklist.objects.count() == 0


def test_templates_follow_layer_and_scope(org, superuser):
    other_team = TeamFactory(name="South", value_streams=[org["pumps"]])
    template_services.template_create(
        actor=superuser, name="North only", layer=Layer.TL, team=org["team"],
        items=[ItemSpec("North huddle")],
    )  # fmt: skip
    template_services.template_create(
        actor=superuser, name="South only", layer=Layer.TL, team=other_team,
        items=[ItemSpec("South huddle")],
    )  # fmt: skip
    template_services.template_create(
        actor=superuser, name="Pumps members", layer=Layer.MEMBER, value_stream=org["pumps"],
        items=[ItemSpec("Log call outcomes")],
    )  # fmt: skip

    checklist_services.checklists_issue_due(now=at("2026-11-18 07:00"))

    assert titles(Checklist.objects.get(owner=org["leader"])) == ["North huddle"]
    assert titles(Checklist.objects.get(owner=org["member"])) == ["Log call outcomes"]
    assert not Checklist.objects.filter(owner=org["coordinator"]).exists()


def test_issued_checklists_keep_the_version_they_were_issued_from(org, tl_template, superuser):
    checklist_services.checklists_issue_due(now=at("2026-11-17 07:00"))
    template_services.template_version_create(
        actor=superuser,
        template_id=tl_template.pk,
        items=[
            ItemSpec("Head the daily stand-up", expected_minutes=15),
            ItemSpec("Coach one caller"),
        ],
        note="PDCA: coaching replaces the call-list check",
        now=at("2026-11-17 09:00"),
    )

    checklist_services.checklists_issue_due(now=at("2026-11-18 07:00"))

    tuesday = Checklist.objects.get(owner=org["leader"], date=date(2026, 11, 17))
    wednesday = Checklist.objects.get(owner=org["leader"], date=date(2026, 11, 18))
    assert titles(tuesday) == ["Head the daily stand-up", "Check call-list progress"]
    assert set(tuesday.checks.values_list("item__version__number", flat=True)) == {1}
    assert titles(wednesday) == ["Head the daily stand-up", "Coach one caller"]
    assert set(wednesday.checks.values_list("item__version__number", flat=True)) == {2}
    assert tl_template.versions.count() == 2


def _team_in(zone: str, superuser):
    team = TeamFactory(time_zone=zone, working_days=[1, 2, 3, 4, 5])
    leader = MembershipFactory(team=team, role="leader", user=UserFactory()).user
    return leader


@pytest.mark.parametrize(
    ("zone", "before", "after", "monday"),
    [
        # US DST starts Sunday 8 March 2026: New York midnight is 04:00 UTC (EDT).
        ("America/New_York", "2026-03-09 03:59", "2026-03-09 04:00", date(2026, 3, 9)),
        # US DST ends Sunday 1 November 2026: New York midnight is 05:00 UTC (EST).
        ("America/New_York", "2026-11-02 04:59", "2026-11-02 05:00", date(2026, 11, 2)),
        # Kolkata keeps +05:30 all year, whatever the US and Europe do.
        ("Asia/Kolkata", "2026-03-08 18:29", "2026-03-08 18:30", date(2026, 3, 9)),
        ("Asia/Kolkata", "2026-11-01 18:29", "2026-11-01 18:30", date(2026, 11, 2)),
    ],
)
def test_monday_begins_at_local_midnight_across_dst_changes(superuser, zone, before, after, monday):
    template_services.template_create(
        actor=superuser, name="TL", layer=Layer.TL, items=[ItemSpec("Head the stand-up")]
    )
    leader = _team_in(zone, superuser)

    checklist_services.checklists_issue_due(now=at(before))
    assert checklist_dates(leader) == []  # still Sunday there

    checklist_services.checklists_issue_due(now=at(after))
    assert checklist_dates(leader) == [monday]


def test_weekly_item_on_a_day_off_falls_on_the_last_working_day_of_the_week(org, superuser):
    template_services.template_create(
        actor=superuser, name="TL weekly", layer=Layer.TL,
        items=[ItemSpec("Weekly review prep", TemplateItem.Cadence.WEEKLY, weekday=6)],
    )  # fmt: skip

    checklist_services.checklists_issue_due(now=at("2026-11-19 07:00"))  # Thursday
    checklist_services.checklists_issue_due(now=at("2026-11-20 07:00"))  # Friday

    assert checklist_dates(org["leader"]) == [date(2026, 11, 20)]


def test_monthly_item_on_day_31_falls_on_the_last_working_day_of_a_short_month(org, superuser):
    template_services.template_create(
        actor=superuser, name="TL monthly", layer=Layer.TL,
        items=[ItemSpec("Month-end pipeline review", TemplateItem.Cadence.MONTHLY,
                        day_of_month=31)],
    )  # fmt: skip

    # February 2026 ends on Saturday the 28th: the item is due Friday the 27th.
    checklist_services.checklists_issue_due(now=at("2026-02-26 07:00"))
    checklist_services.checklists_issue_due(now=at("2026-02-27 07:00"))
    checklist_services.checklists_issue_due(now=at("2026-03-02 07:00"))

    assert checklist_dates(org["leader"]) == [date(2026, 2, 27)]


def test_the_beat_task_issues_through_the_service(org, tl_template):
    from standardwork.tasks import issue_due_checklists

    org["team"].working_days = [1, 2, 3, 4, 5, 6, 7]  # whatever day the suite runs on
    org["team"].save(update_fields=["working_days"])

    issue_due_checklists.delay()

    assert Checklist.objects.filter(owner=org["leader"]).count() == 1
