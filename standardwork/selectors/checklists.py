"""Reads for "My standard work": today's checklist, carried items, progress.

Each selector answers its page in a fixed number of queries, however much
history the person or their layer below has: the rows are filtered to the
day (or the open period) in the database and joined or prefetched at once.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from leanops.base.baked import baked, baked_aggregate
from roles import policy as organisation
from roles.models import User
from roles.selectors import person_places
from standardwork import calendar
from standardwork.models import Check, Checklist, MissReason, TemplateItem

# A monthly item stays open at most a month; look back a little further.
_CARRY_LOOKBACK = timedelta(days=32)
_CARRIED_CADENCES = (TemplateItem.Cadence.WEEKLY, TemplateItem.Cadence.MONTHLY)


@dataclass(frozen=True)
class Progress:
    done: int = 0
    missed: int = 0
    total: int = 0

    @property
    def open(self) -> int:
        return self.total - self.done - self.missed

    @classmethod
    def of(cls, checks: list[Check]) -> "Progress":
        statuses = Counter(check.status for check in checks)
        return cls(
            done=statuses[Check.Status.DONE],
            missed=statuses[Check.Status.MISSED],
            total=len(checks),
        )


@dataclass
class MyStandardWork:
    today: date | None
    checklist: Checklist | None
    checks: list[Check] = field(default_factory=list)
    carried: list[Check] = field(default_factory=list)
    countermeasures_requested: list[Check] = field(default_factory=list)

    @property
    def progress(self) -> Progress:
        return Progress.of(self.checks)

    @property
    def has_verify_items(self) -> bool:
        return any(
            check.item.kind == TemplateItem.Kind.VERIFY for check in [*self.checks, *self.carried]
        )


def person_today(user: User, *, now: datetime | None = None) -> date:
    """Today in `user`'s own time zone (their team's; UTC if they have none)."""
    return person_calendar(user, now=now).today


ALL_WEEK = (1, 2, 3, 4, 5, 6, 7)


@dataclass(frozen=True)
class PersonCalendar:
    """A person's today and working days (ISO weekdays), from their team."""

    today: date
    working_days: tuple[int, ...] = ALL_WEEK

    def working_day_before(self, day: date) -> date:
        """The last working day before `day` (the day before when none is in a week)."""
        for back in range(1, 8):
            earlier = day - timedelta(days=back)
            if earlier.isoweekday() in self.working_days:
                return earlier
        return day - timedelta(days=1)

    def working_day_after(self, day: date) -> date:
        """The first working day after `day` (the day after when none is in a week)."""
        for ahead in range(1, 8):
            later = day + timedelta(days=ahead)
            if later.isoweekday() in self.working_days:
                return later
        return day + timedelta(days=1)


def person_calendar(user: User, *, now: datetime | None = None) -> PersonCalendar:
    """`user`'s today and working days, in one read of their places."""
    place = person_places(user_ids=[user.pk]).get(user.pk)
    today = calendar.local_date(now or timezone.now(), place.time_zone if place else "UTC")
    if place is None or not place.working_days:
        return PersonCalendar(today=today)
    return PersonCalendar(today=today, working_days=tuple(place.working_days))


def miss_reasons() -> QuerySet[MissReason]:
    return MissReason.objects.filter(is_active=True).order_by("position", "label")


def is_carried(check: Check, *, today: date) -> bool:
    """An open weekly or monthly item from an earlier day of its still-current period."""
    return (
        check.status == Check.Status.OPEN
        and check.item.cadence in _CARRIED_CADENCES
        and check.checklist.date < today
        and calendar.same_period(check.item.cadence, check.checklist.date, today)
    )


def _my_checks_query(*, owner_id: int, recent: date, checklist_id: int | None) -> QuerySet[Check]:
    """Today's checks (of `checklist_id`), open weekly and monthly items since `recent`
    and those with a countermeasure asked for, in the page's order."""
    wanted = Q(
        status=Check.Status.OPEN,
        item__cadence__in=_CARRIED_CADENCES,
        checklist__date__gte=recent,
    ) | Q(verification=Check.Verification.COUNTERMEASURE_REQUESTED)
    if checklist_id is not None:
        wanted |= Q(checklist_id=checklist_id)
    return (
        Check.objects.filter(wanted, checklist__owner_id=owner_id)
        .select_related("checklist", "item", "miss_reason", "verified_by")
        .order_by("checklist__date", "position", "pk")
    )


# Every request of the page asks it: compiled once (leanops.base.baked).
_my_checks = baked(_my_checks_query)


def my_standard_work(
    *, user: User, checklist: Checklist | None, now: datetime | None = None
) -> MyStandardWork:
    """The page's data in one query.

    `checklist` is today's, as services.checklist_issue_today returned it. Each
    check's "today" comes from its own checklist's time zone, as the tick
    service decides it, so no second lookup of the person's calendar is needed.
    """
    now = now or timezone.now()
    rows = _my_checks(
        owner_id=user.pk,
        recent=(now - _CARRY_LOOKBACK).date(),
        checklist_id=checklist.pk if checklist is not None else None,
    )
    todays = checklist.pk if checklist is not None else None
    return MyStandardWork(
        today=checklist.date if checklist is not None else None,
        checklist=checklist,
        checks=[check for check in rows if check.checklist_id == todays],
        carried=[
            check
            for check in rows
            if check.checklist_id != todays
            and is_carried(check, today=calendar.local_date(now, check.checklist.time_zone))
        ],
        countermeasures_requested=[
            check
            for check in rows
            if check.verification == Check.Verification.COUNTERMEASURE_REQUESTED
        ],
    )


def check_today(check: Check, *, now: datetime | None = None) -> date:
    """Today in the time zone of the check's checklist, as the tick service decides it."""
    return calendar.local_date(now or timezone.now(), check.checklist.time_zone)


def is_on_todays_page(check: Check, *, today: date) -> bool:
    """Whether My standard work lists the check today: today's, or carried from earlier."""
    return check.checklist.date == today or is_carried(check, today=today)


def check_row(*, viewer: User, check_id: int) -> Check | None:
    """One check with what its row shows, if `viewer` may see its owner's standard work
    (their own, or a layer below them); None when not, as when it does not exist.

    Whether they may change it is for the caller (and the service) to decide.
    """
    return (
        Check.objects.select_related("checklist__owner", "item", "miss_reason", "verified_by")
        .filter(pk=check_id, checklist__owner__in=organisation.overseen_people(viewer))
        .first()
    )


# Every tick answers with it: compiled once (leanops.base.baked).
_progress_counts = baked_aggregate(
    lambda owner_id, day: Check.objects.filter(checklist__owner_id=owner_id, checklist__date=day),
    total=Count("pk"),
    done=Count("pk", filter=Q(status=Check.Status.DONE)),
    missed=Count("pk", filter=Q(status=Check.Status.MISSED)),
)


def todays_progress(*, user: User, day: date) -> Progress:
    """The progress bar after one row changed, in one query."""
    counts = _progress_counts(owner_id=user.pk, day=day)
    return Progress(done=counts["done"], missed=counts["missed"], total=counts["total"])
