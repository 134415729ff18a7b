"""Reads for "My standard work" and the verification board.

Each selector answers its page in a fixed number of queries, however much
history the person or their layer below has: the rows are filtered to the
day (or the open period) in the database and joined or prefetched at once.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from roles import policy as organisation
from roles.layers import layer_of, layer_rank
from roles.models import Layer, Membership, User, ValueStream
from standardwork import calendar, policy
from standardwork.models import Check, CheckEvent, Checklist, MissReason, Notice, TemplateItem

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

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

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
    notices: list[Notice] = field(default_factory=list)

    @property
    def progress(self) -> Progress:
        return Progress.of(self.checks)

    @property
    def has_verify_items(self) -> bool:
        return any(
            check.item.kind == TemplateItem.Kind.VERIFY for check in [*self.checks, *self.carried]
        )


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


def my_standard_work(
    *, user: User, checklist: Checklist | None, now: datetime | None = None
) -> MyStandardWork:
    """The page's data in two queries.

    `checklist` is today's, as services.checklist_issue_today returned it. Each
    check's "today" comes from its own checklist's time zone, as the tick
    service decides it, so no second lookup of the person's calendar is needed.
    """
    now = now or timezone.now()
    recent = (now - _CARRY_LOOKBACK).date()
    wanted = Q(
        status=Check.Status.OPEN,
        item__cadence__in=_CARRIED_CADENCES,
        checklist__date__gte=recent,
    ) | Q(verification=Check.Verification.COUNTERMEASURE_REQUESTED)
    if checklist is not None:
        wanted |= Q(checklist_id=checklist.pk)
    rows = list(
        Check.objects.filter(wanted, checklist__owner=user)
        .select_related("checklist", "item", "miss_reason", "verified_by")
        .order_by("checklist__date", "position", "pk")
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
        notices=list(
            Notice.objects.filter(recipient=user, read_at__isnull=True).order_by("-created_at")[:20]
        ),
    )


def check_row(*, check_id: int) -> Check | None:
    """One check with what its row shows; access is for the caller (and the service) to decide."""
    return (
        Check.objects.select_related("checklist", "item", "miss_reason", "verified_by")
        .filter(pk=check_id)
        .first()
    )


def todays_progress(*, user: User, day: date) -> Progress:
    """The progress bar after one row changed, in one query."""
    counts = Check.objects.filter(checklist__owner=user, checklist__date=day).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=Check.Status.DONE)),
        missed=Count("pk", filter=Q(status=Check.Status.MISSED)),
    )
    return Progress(done=counts["done"], missed=counts["missed"], total=counts["total"])


# --- the verification board ---------------------------------------------------


@dataclass
class BoardRow:
    """One person of the layer below, and their checklist of the board's day."""

    person: User
    layer: Layer | None
    teams: list[str]
    checklist: Checklist | None
    checks: list[Check]

    @property
    def progress(self) -> Progress:
        return Progress.of(self.checks)

    @property
    def red(self) -> int:
        return sum(check.is_red for check in self.checks)


def board_colour(check: Check) -> str:
    """Kamishibai: red until a countermeasure is recorded, green when done, else grey."""
    if check.is_red:
        return "red"
    return "green" if check.is_green else "grey"


def _board_people(people: QuerySet[User], day: date) -> list[BoardRow]:
    """Rows for `people` on `day`, in six queries whatever their history."""
    checks = Check.objects.select_related("item", "miss_reason", "verified_by").prefetch_related(
        Prefetch("events", queryset=CheckEvent.objects.select_related("actor").order_by("at", "pk"))
    )
    people = people.prefetch_related(
        Prefetch(
            "checklists",
            queryset=Checklist.objects.filter(date=day)
            .select_related("verified_by")
            .prefetch_related(Prefetch("checks", queryset=checks.order_by("position", "pk"))),
            to_attr="board_checklists",
        ),
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("team").order_by("team__name"),
            to_attr="board_memberships",
        ),
        "coordinated_teams",
    ).annotate(board_manages_a_value_stream=Exists(ValueStream.objects.filter(vsm=OuterRef("pk"))))
    rows = []
    for person in people:
        coordinated = sorted(team.name for team in person.coordinated_teams.all())
        memberships = person.board_memberships
        layer = layer_of(
            memberships=[(m.role, m.team.kind) for m in memberships],
            coordinates_a_team=bool(coordinated),
            manages_a_value_stream=person.board_manages_a_value_stream,
        )
        checklist = person.board_checklists[0] if person.board_checklists else None
        checks = list(checklist.checks.all()) if checklist is not None else []
        if not checks:
            checklist = None  # an empty checklist only records that nothing was due
        for check in checks:
            check.colour = board_colour(check)
        rows.append(
            BoardRow(
                person=person,
                layer=layer,
                teams=coordinated or [m.team.name for m in memberships],
                checklist=checklist,
                checks=checks,
            )
        )
    # Coordinators (and anyone above) first; then each team's leader and its members together.
    rows.sort(
        key=lambda row: (
            layer_rank(row.layer) > layer_rank(Layer.TC),
            row.teams[:1],
            layer_rank(row.layer),
            row.person.display_name.lower(),
        )
    )
    return rows


def verification_board(*, verifier: User, day: date) -> list[BoardRow]:
    """The layer below `verifier` (roles.policy.verifiable_people) on `day`."""
    return _board_people(policy.verifiable_people(verifier), day)


def board_row(*, viewer: User, person_id: int, day: date) -> BoardRow | None:
    """One person's row, if `viewer` may see their standard work (their own or a layer below)."""
    people = organisation.overseen_people(viewer).filter(pk=person_id)
    rows = _board_people(people, day)
    return rows[0] if rows else None
