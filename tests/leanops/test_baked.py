"""Querysets compiled once and run with new values (leanops.base.baked) give what the
queryset itself gives, on this test run's database (SQLite locally, PostgreSQL in
CI): model instances with their select_related rows, prefetches, tuples, counts;
days, instants, words, lists of every length; one form per None branch and per
active time zone; and a query that cannot be baked is refused at once."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db.models import Prefetch
from django.utils import timezone

from leanops.base.baked import (
    BakeError,
    baked,
    baked_count,
    baked_insert,
    baked_update,
    prefetched,
)
from roles.models import Membership, Team, ValueStream
from standardwork.models import Check, CheckEvent, Checklist, Notice
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory, ValueStreamFactory
from tests.standardwork.factories import CheckFactory, ChecklistFactory, NoticeFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 30)


def _checks_of(owner_id, since, status):
    rows = Check.objects.filter(checklist__owner_id=owner_id, checklist__date__gte=since)
    if status is not None:
        rows = rows.filter(status=status)
    return rows.select_related("checklist", "item").order_by("checklist__date", "pk")


checks_of = baked(_checks_of)


def _people_checklists():
    ann, bob = UserFactory(), UserFactory()
    for person in (ann, bob):
        for back in range(4):
            checklist = ChecklistFactory(owner=person, date=DAY - timedelta(days=back))
            CheckFactory(checklist=checklist)
            CheckFactory(checklist=checklist, status=Check.Status.DONE)
    return ann, bob


def _seen(checks):
    return [(c.pk, c.checklist.owner_id, c.checklist.date, c.item.title, c.status) for c in checks]


def test_a_baked_query_gives_the_querysets_instances_for_each_persons_values(
    django_assert_num_queries,
):
    ann, bob = _people_checklists()

    for person, since in (
        (ann, DAY - timedelta(days=1)),
        (bob, DAY - timedelta(days=2)),
        (ann, DAY),
    ):
        expected = _seen(_checks_of(person.pk, since, None))
        with django_assert_num_queries(1):
            got = checks_of(owner_id=person.pk, since=since, status=None)
            assert _seen(got) == expected

    assert len(checks_of(owner_id=bob.pk, since=DAY - timedelta(days=2), status=None)) == 6
    assert checks_of(owner_id=ann.pk, since=DAY + timedelta(days=1), status=None) == []


def test_each_none_branch_has_its_own_form():
    ann, _ = _people_checklists()
    since = DAY - timedelta(days=3)

    done = checks_of(owner_id=ann.pk, since=since, status=Check.Status.DONE)
    every = checks_of(owner_id=ann.pk, since=since, status=None)

    assert [check.status for check in done] == [Check.Status.DONE] * 4
    assert len(every) == 8


def test_lists_of_any_length_and_an_empty_one(django_assert_num_queries):
    ann, bob = _people_checklists()
    ids = baked(
        lambda owner_ids: (
            Checklist.objects.filter(owner_id__in=owner_ids)
            .order_by("owner_id", "date")
            .values_list("owner_id", "date")
        )
    )

    assert ids(owner_ids=[ann.pk]) == [(ann.pk, DAY - timedelta(days=n)) for n in (3, 2, 1, 0)]
    assert len(ids(owner_ids=[ann.pk, bob.pk])) == 8
    with django_assert_num_queries(0):
        assert ids(owner_ids=[]) == []


def test_prefetches_run_as_the_querysets_do(django_assert_num_queries):
    ann, _ = _people_checklists()
    lists = baked(
        lambda owner_id: (
            Checklist.objects.filter(owner_id=owner_id)
            .prefetch_related(Prefetch("checks", queryset=Check.objects.order_by("pk")))
            .order_by("date")
        )
    )

    with django_assert_num_queries(2):
        got = lists(owner_id=ann.pk)
        assert [len(checklist.checks.all()) for checklist in got] == [2, 2, 2, 2]


def test_instants_and_the_active_time_zone():
    person = UserFactory()
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 1 December in Tokyo
    NoticeFactory(recipient=person, date=DAY)
    Notice.objects.filter(recipient=person).update(created_at=late)
    on_day = baked(
        lambda recipient_id, day: Notice.objects.filter(
            recipient_id=recipient_id, created_at__date=day
        )
    )
    since = baked(
        lambda recipient_id, after: Notice.objects.filter(
            recipient_id=recipient_id, created_at__gte=after
        )
    )

    assert len(on_day(recipient_id=person.pk, day=DAY)) == 1
    with timezone.override("Asia/Tokyo"):
        assert on_day(recipient_id=person.pk, day=DAY) == []
        assert len(on_day(recipient_id=person.pk, day=DAY + timedelta(days=1))) == 1
    assert len(since(recipient_id=person.pk, after=late - timedelta(seconds=1))) == 1
    assert since(recipient_id=person.pk, after=late + timedelta(seconds=1)) == []


def test_a_baked_count_counts_as_the_queryset(django_assert_num_queries):
    ann, bob = UserFactory(), UserFactory()
    for _ in range(3):
        NoticeFactory(recipient=ann)
    NoticeFactory(recipient=bob)
    unread = baked_count(
        lambda recipient_id: Notice.objects.filter(recipient_id=recipient_id, read_at__isnull=True)
    )

    assert unread(recipient_id=ann.pk) == 3
    with django_assert_num_queries(1):
        assert unread(recipient_id=bob.pk) == 1
    assert unread(recipient_id=bob.pk + ann.pk + 1000) == 0


def test_a_value_the_orm_rewrites_cannot_be_baked():
    titled = baked(lambda text: Notice.objects.filter(text__icontains=text))

    with pytest.raises(BakeError, match="cannot be baked"):
        titled(text="Notice")


def test_true_or_false_is_refused():
    unread = baked(lambda read: Notice.objects.filter(read_at__isnull=read))

    with pytest.raises(BakeError, match="True or False"):
        unread(read=True)


def test_a_baked_update_writes_as_the_querysets_update_and_counts_the_rows():
    ann, bob = _people_checklists()
    done = baked_update(
        lambda owner_id, minutes, at: (
            Check.objects.filter(owner_id=owner_id, status=Check.Status.OPEN),
            {"status": Check.Status.DONE, "actual_minutes": minutes, "done_at": at},
        )
    )
    at = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)

    assert done(owner_id=ann.pk, minutes=12, at=at) == 4
    assert done(owner_id=ann.pk, minutes=12, at=at) == 0

    anns = Check.objects.filter(owner=ann)
    assert sorted(anns.values_list("status", flat=True)) == [Check.Status.DONE] * 8
    assert set(anns.filter(actual_minutes=12).values_list("done_at", flat=True)) == {at}
    assert Check.objects.filter(owner=bob, status=Check.Status.OPEN).count() == 4


def test_a_baked_insert_writes_one_row_and_finding_its_sql_leaves_none():
    check = CheckFactory()
    person = check.checklist.owner
    add = baked_insert(CheckEvent, "check_item_id", "actor_id", "kind", "text", "at")
    at = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)

    add(check_item_id=check.pk, actor_id=person.pk, kind=CheckEvent.Kind.TICK, text="", at=at)
    add(check_item_id=check.pk, actor_id=None, kind=CheckEvent.Kind.UNDO, text="Oops", at=at)

    assert list(
        CheckEvent.objects.order_by("pk").values_list("check_item_id", "actor_id", "kind", "text")
    ) == [
        (check.pk, person.pk, CheckEvent.Kind.TICK, ""),
        (check.pk, None, CheckEvent.Kind.UNDO, "Oops"),
    ]
    assert set(CheckEvent.objects.values_list("at", flat=True)) == {at}
    with pytest.raises(BakeError, match="takes"):
        add(check_item_id=check.pk, actor_id=None, kind=CheckEvent.Kind.UNDO, text="No time")


def test_an_insert_whose_default_the_orm_fills_in_is_refused():
    # Notice.created_at is auto_now_add: baked, the first call's instant would stay.
    add = baked_insert(Notice, "recipient_id", "kind", "date", "text", "url")

    with pytest.raises(BakeError, match="not given in the call"):
        add(recipient_id=UserFactory().pk, kind=Notice.Kind.COUNTERMEASURE, date=DAY, text="x",
            url="")  # fmt: skip
    assert Notice.objects.count() == 0


def test_the_first_call_compiles_without_asking_the_database_more(django_assert_num_queries):
    # Compiling runs no statement of its own: the first call costs what every call does.
    check = CheckFactory()
    listed = baked(lambda owner_id: Check.objects.filter(owner_id=owner_id))
    counted = baked_count(lambda owner_id: Check.objects.filter(owner_id=owner_id))
    updated = baked_update(
        lambda check_id: (Check.objects.filter(pk=check_id), {"miss_note": "Late"})
    )
    added = baked_insert(CheckEvent, "check_item_id", "actor_id", "kind", "text", "at")
    at = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)

    with django_assert_num_queries(4):
        assert len(listed(owner_id=check.owner_id)) == 1
        assert counted(owner_id=check.owner_id) == 1
        assert updated(check_id=check.pk) == 1
        added(check_item_id=check.pk, actor_id=None, kind=CheckEvent.Kind.TICK, text="", at=at)
    assert Check.objects.get(pk=check.pk).miss_note == "Late"
    assert CheckEvent.objects.filter(check_item=check).count() == 1


def test_prefetched_rows_read_as_the_prefetch_gives_them(django_assert_num_queries):
    team = TeamFactory()
    stream = ValueStreamFactory()
    team.value_streams.add(stream)
    for _ in range(3):
        MembershipFactory(team=team)
    members = baked(lambda team_id: Membership.objects.filter(team_id=team_id).order_by("pk"))
    streams = baked(lambda team_id: ValueStream.objects.filter(teams=team_id))
    team = Team.objects.get(pk=team.pk)

    prefetched(team, "memberships", members(team_id=team.pk))
    prefetched(team, "value_streams", streams(team_id=team.pk))

    with django_assert_num_queries(0):
        assert [m.team for m in team.memberships.all()] == [team] * 3
        assert list(team.value_streams.all()) == [stream]
    assert sorted(m.pk for m in team.memberships.all()) == sorted(
        Membership.objects.filter(team=team).values_list("pk", flat=True)
    )
