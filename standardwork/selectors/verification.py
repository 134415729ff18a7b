"""Reads for layered verification (kamishibai).

The board is a week grid: the layer below the verifier, one row per person,
grouped by team, one column per working day; each cell red, green or open
with its item count. A red item stays red until its countermeasure is recorded,
and reddens every later cell of its owner until then, however old it is.
A click on a cell opens the one-day list of that person (`board_row`), which
shows each item, its last few events and what changed after the day was
confirmed.

Each read answers in a fixed number of queries, however many teams and however
much history the people have: the week's checks come in one query, the reds
before it as one count (and the oldest day) per person, read through the
partial index on red checks (standardwork_check_red).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from leanops.base.baked import baked
from roles import policy as organisation
from roles.layers import layer_of, layer_rank
from roles.models import Layer, Membership, Team, User, ValueStream
from standardwork import calendar, policy
from standardwork.models import Absence, Check, CheckEvent, Checklist
from standardwork.models.standard import RED_CHECK
from standardwork.selectors.checklists import Progress

# How many events of an item the one-day list shows; the rest are a link away.
RECENT_EVENTS = 3
# How many of a person's reds from earlier days the one-day list names.
CARRIED_SHOWN = 5
MONDAY_TO_FRIDAY = (1, 2, 3, 4, 5)

# Kamishibai red (Check.is_red, as a condition on Check rows; a test holds them equal):
# a miss without a recorded countermeasure, or a countermeasure asked for. The same
# condition as the partial index standardwork_check_red, so PostgreSQL uses it.
RED = RED_CHECK
# Check.is_green as a condition (the same test holds them equal): not red, and done or
# answered with a countermeasure.
GREEN = ~RED & (
    Q(status=Check.Status.DONE) | Q(verification=Check.Verification.COUNTERMEASURE_RECORDED)
)
# What the owner does to an item; done after the day was confirmed, it is a change to look at.
OWNER_CHANGES = (CheckEvent.Kind.TICK, CheckEvent.Kind.UNDO, CheckEvent.Kind.MISS)


# --- what changed after confirmation, and misses later done (#11) ----------------


def changed_after_confirmation() -> Exists:
    """For a Check queryset: the owner ticked, undid or missed it after its day was confirmed."""
    return Exists(
        CheckEvent.objects.filter(
            check_item=OuterRef("pk"),
            kind__in=OWNER_CHANGES,
            at__gt=OuterRef("checklist__verified_at"),
        )
    )


def last_miss_text() -> Subquery:
    """For a Check queryset: the text of its last miss ("Reason: note"), or None if never missed.

    A miss that is undone and then ticked clears the check's reason fields;
    the miss event keeps them.
    """
    return Subquery(
        CheckEvent.objects.filter(check_item=OuterRef("pk"), kind=CheckEvent.Kind.MISS)
        .order_by("-at", "-pk")
        .values("text")[:1]
    )


def with_miss_history(checks: QuerySet[Check]) -> QuerySet[Check]:
    """`checks` annotated with `last_miss` (text of the last miss event, or None).

    A check with status DONE and a `last_miss` is "done after a miss"; the
    Pareto counts its reason with `miss_reason_label(check.last_miss)`.
    """
    return checks.annotate(last_miss=last_miss_text())


def miss_reason_label(miss_text: str, known_labels: list[str] = ()) -> str:
    """The reason part of a miss event's text ("Reason: note").

    A label from the list (`known_labels`) is matched whole, so a list label
    with ": " in it stays one reason; a typed reason ends at the first ": ".
    """
    for label in known_labels:
        if miss_text.startswith(f"{label}: "):
            return label
    return miss_text.partition(": ")[0]


# --- the week grid ----------------------------------------------------------------


@dataclass(frozen=True)
class GridCell:
    """One person on one day: their checklist's items, red, green or open."""

    day: date
    done: int = 0
    green: int = 0
    red: int = 0
    total: int = 0
    carried: int = 0  # red items of earlier days, still without a countermeasure
    carried_since: date | None = None  # the day of the oldest of them
    confirmed: bool = False
    changed: bool = False  # ticked, undone or missed after the day was confirmed
    absent: bool = False
    future: bool = False
    heading: str = ""  # "Mon 23 Nov", written once per column (strftime is slow a cell)

    @property
    def iso(self) -> str:
        return self.day.isoformat()

    @property
    def label(self) -> str:
        """ "Mon 23 Nov: 5 of 6 done, 1 red", the cell's tooltip."""
        heading = self.heading or f"{self.day:%a} {self.day.day} {self.day:%b}"
        return f"{heading}: {self.summary}"

    @property
    def state(self) -> str:
        """ "red", "green", "open", or "none" (no checklist: not a working day, leave, not yet)."""
        if not self.total:
            return "none"
        if self.red or self.carried:
            return "red"
        return "green" if self.green == self.total else "open"

    @property
    def summary(self) -> str:
        """The cell in words, for its tooltip and screen readers."""
        if not self.total:
            if self.absent:
                return "On leave"
            return "Not yet" if self.future else "No checklist"
        parts = [f"{self.done} of {self.total} done"]
        if self.red:
            parts.append(f"{self.red} red")
        if self.carried:
            since = self.carried_since
            year = f" {since.year}" if since.year != self.day.year else ""
            parts.append(f"{self.carried} red since {since:%a} {since.day} {since:%b}{year}")
        if self.confirmed:
            parts.append("changed after confirmation" if self.changed else "confirmed")
        return ", ".join(parts)


@dataclass
class GridRow:
    person: User
    layer: Layer | None
    cells: list[GridCell] = field(default_factory=list)

    @property
    def layer_short(self) -> str:
        return (self.layer or "").upper()


@dataclass
class TeamGroup:
    team_id: int | None
    name: str
    rows: list[GridRow] = field(default_factory=list)


@dataclass(frozen=True)
class BoardScope:
    """The teams a verifier's board spans, and the verifier's today (their first team's)."""

    teams: list[Team]
    today: date

    @property
    def team_choices(self) -> list[tuple[int, str]]:
        return [(team.pk, team.name) for team in self.teams]


@dataclass
class VerificationWeek:
    monday: date
    days: list[date]
    today: date
    groups: list[TeamGroup]
    team_id: int | None

    @property
    def previous_week(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next_week(self) -> date:
        return self.monday + timedelta(days=7)

    @property
    def is_current_week(self) -> bool:
        return self.monday <= self.today < self.next_week

    @property
    def people(self) -> int:
        return sum(len(group.rows) for group in self.groups)


def board_scope(*, verifier: User, now: datetime | None = None) -> BoardScope:
    """The teams the verifier coordinates or whose value stream they manage, in one query."""
    teams = Team.objects.only("pk", "name", "time_zone", "working_days", "coordinator_id")
    if not verifier.is_superuser:
        teams = teams.filter(Q(coordinator=verifier) | Q(value_streams__vsm=verifier)).distinct()
    teams = list(teams.order_by("name"))
    own = [team for team in teams if team.coordinator_id == verifier.pk] or teams
    zone = own[0].time_zone if own else "UTC"
    return BoardScope(teams=teams, today=calendar.local_date(now or timezone.now(), zone))


def _people_with_places(people: QuerySet[User]) -> QuerySet[User]:
    """People with their teams and what makes their layer, in three queries."""
    return people.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("team").order_by("team__name"),
            to_attr="board_memberships",
        ),
        Prefetch("coordinated_teams", queryset=Team.objects.order_by("name")),
    ).annotate(board_manages_a_value_stream=Exists(ValueStream.objects.filter(vsm=OuterRef("pk"))))


def _layer(person: User) -> Layer | None:
    return layer_of(
        memberships=[(m.role, m.team.kind) for m in person.board_memberships],
        coordinates_a_team=bool(person.coordinated_teams.all()),
        manages_a_value_stream=person.board_manages_a_value_stream,
    )


@dataclass(frozen=True)
class _Place:
    """A team a person of the grid belongs to or coordinates."""

    pk: int
    name: str
    time_zone: str


@dataclass
class _GridPerson:
    person: User
    manages_a_value_stream: bool = False
    memberships: list[tuple[str, str]] = field(default_factory=list)  # (role, team kind)
    coordinated: list[_Place] = field(default_factory=list)
    member_of: list[_Place] = field(default_factory=list)

    @property
    def layer(self) -> Layer | None:
        return layer_of(
            memberships=self.memberships,
            coordinates_a_team=bool(self.coordinated),
            manages_a_value_stream=self.manages_a_value_stream,
        )

    def home(self, scope_ids: set[int]) -> _Place | None:
        """The team the person's row sits under: one of the board's teams they coordinate
        or belong to (by name, coordinated first), else their first team."""
        places = [*self.coordinated, *self.member_of]
        for place in places:
            if place.pk in scope_ids:
                return place
        return places[0] if places else None


def _grid_rows_query(people: QuerySet[User]):
    """One row per person of `people` and membership and coordinated team (few of each):
    names, teams and what makes their layer, as plain values (see _grid_people)."""
    return (
        people.annotate(manages=Exists(ValueStream.objects.filter(vsm=OuterRef("pk"))))
        .order_by()
        .values_list(
            "pk",
            "username",
            "first_name",
            "last_name",
            "manages",
            "memberships__role",
            "memberships__team__kind",
            "memberships__team_id",
            "memberships__team__name",
            "memberships__team__time_zone",
            "coordinated_teams__pk",
            "coordinated_teams__name",
            "coordinated_teams__time_zone",
        )
    )


# The verifier's own grid, asked on every request of the board: compiled once per
# shape (leanops.base.baked), the layer below by the rule of verifiable_people.
_verifiable_grid_rows = baked(
    lambda verifier_id: _grid_rows_query(
        User.objects.filter(pk__in=policy.verifiable_people_ids(verifier_id))
    )
)
_verifiable_grid_row = baked(
    lambda verifier_id, person_id: _grid_rows_query(
        User.objects.filter(pk=person_id, pk__in=policy.verifiable_people_ids(verifier_id))
    )
)


def _grid_people(verifier: User, person_id: int | None) -> list[_GridPerson]:
    """The people of the verifier's grid (one when `person_id` is given) with their
    teams and what makes their layer, in one query of plain values.

    The grid needs only names, teams and layers: model instances and prefetches
    for 32 people cost more CPU than the rest of the grid's reads together.
    """
    if not verifier.is_authenticated:
        rows = []
    elif person_id is None:
        rows = _verifiable_grid_rows(verifier_id=verifier.pk)
    else:
        rows = _verifiable_grid_row(verifier_id=verifier.pk, person_id=person_id)
    found: dict[int, _GridPerson] = {}
    for pk, username, first, last, manages, role, kind, *member_of, team_id, name, zone in rows:
        grid_person = found.get(pk)
        if grid_person is None:
            user = User(pk=pk, username=username, first_name=first, last_name=last)
            grid_person = found[pk] = _GridPerson(person=user, manages_a_value_stream=manages)
        if role is not None and member_of[0] not in {p.pk for p in grid_person.member_of}:
            grid_person.memberships.append((role, kind))
            grid_person.member_of.append(_Place(*member_of))
        if team_id is not None and team_id not in {p.pk for p in grid_person.coordinated}:
            grid_person.coordinated.append(_Place(team_id, name, zone))
    for grid_person in found.values():
        grid_person.member_of.sort(key=lambda place: (place.name, place.pk))
        grid_person.coordinated.sort(key=lambda place: (place.name, place.pk))
    return list(found.values())


def _week_days(monday: date, teams: list[Team], checklist_days: set[date]) -> list[date]:
    """The teams' working days of the week, and any other day someone has a checklist."""
    weekdays = {day for team in teams for day in (team.working_days or ())}
    weekdays |= {day.isoweekday() for day in checklist_days}
    return [monday + timedelta(days=n - 1) for n in sorted(weekdays or MONDAY_TO_FRIDAY)]


# The week grid asks these on every request: compiled once per number of people
# (leanops.base.baked). One row a person's day, counted by the database.
_week_cells = baked(
    lambda owner_ids, monday, sunday: (
        Check.objects.filter(
            checklist__owner_id__in=owner_ids, checklist__date__range=(monday, sunday)
        )
        .alias(changed_later=changed_after_confirmation())
        .values("checklist__owner_id", "checklist__date")
        .annotate(
            done=Count("pk", filter=Q(status=Check.Status.DONE)),
            green=Count("pk", filter=GREEN),
            red=Count("pk", filter=RED),
            total=Count("pk"),
            confirmed=Count("pk", filter=Q(checklist__verified_at__isnull=False)),
            changed=Count("pk", filter=Q(changed_later=True)),
        )
        .order_by()
        .values_list(
            "checklist__owner_id",
            "checklist__date",
            "done",
            "green",
            "red",
            "total",
            "confirmed",
            "changed",
        )
    )
)
_week_absences = baked(
    lambda person_ids, monday, sunday: Absence.objects.filter(
        person_id__in=person_ids, start_date__lte=sunday, end_date__gte=monday
    ).values_list("person_id", "start_date", "end_date")
)


def verification_week(
    *,
    verifier: User,
    scope: BoardScope,
    monday: date,
    team_id: int | None = None,
    person_id: int | None = None,
    now: datetime | None = None,
) -> VerificationWeek:
    """The week grid of the layer below `verifier`, in six queries whatever the history.

    `scope` is board_scope(verifier); `team_id`, one of its teams, narrows the
    grid to the people whose row sits under that team; `person_id` to one row.
    """
    now = now or timezone.now()
    scope_ids = {team.pk for team in scope.teams}
    sunday = monday + timedelta(days=6)
    placed = []
    for grid_person in _grid_people(verifier, person_id):
        home = grid_person.home(scope_ids)
        if team_id is None or (home is not None and home.pk == team_id):
            placed.append((grid_person, home))
    ids = [grid_person.person.pk for grid_person, _ in placed]

    # One row a person's day, counted by the database: Python sees 160 cells of a
    # four-teams week instead of their thousand checks.
    cells = {
        (owner_id, day): {
            "done": done,
            "green": green,
            "red": red,
            "total": total,
            "confirmed": bool(confirmed),
            "changed": bool(changed),
        }
        for owner_id, day, done, green, red, total, confirmed, changed in _week_cells(
            owner_ids=ids, monday=monday, sunday=sunday
        )
    }
    reds_before = _reds_before(ids, monday)
    absences: dict[int, list[tuple[date, date]]] = {}
    for person_id, start, end in _week_absences(person_ids=ids, monday=monday, sunday=sunday):
        absences.setdefault(person_id, []).append((start, end))

    shown_teams = [team for team in scope.teams if team_id is None or team.pk == team_id]
    days = _week_days(monday, shown_teams, {day for _, day in cells})
    headings = {day: f"{day:%a} {day.day} {day:%b}" for day in days}
    groups: dict[int | None, TeamGroup] = {}
    for grid_person, home in placed:
        person = grid_person.person
        today = calendar.local_date(now, home.time_zone) if home else scope.today
        carried, carried_since = reds_before.get(person.pk, (0, None))
        row = GridRow(person=person, layer=grid_person.layer)
        for day in days:
            counts = cells.get((person.pk, day))
            if counts is None:
                row.cells.append(
                    GridCell(
                        day=day,
                        heading=headings[day],
                        future=day > today,
                        absent=any(s <= day <= e for s, e in absences.get(person.pk, ())),
                    )
                )
                continue
            row.cells.append(
                GridCell(
                    day=day,
                    heading=headings[day],
                    carried=carried,
                    carried_since=carried_since,
                    future=day > today,
                    **counts,
                )
            )
            if counts["red"]:
                carried += counts["red"]
                carried_since = carried_since or day
        key = home.pk if home else None
        group = groups.setdefault(
            key, TeamGroup(team_id=key, name=home.name if home else "No team")
        )
        group.rows.append(row)
    for group in groups.values():
        # Coordinators (and anyone above) first, then the team's leader, then its members.
        group.rows.sort(key=lambda r: (layer_rank(r.layer), r.person.display_name.lower()))
    return VerificationWeek(
        monday=monday,
        days=days,
        today=scope.today,
        groups=sorted(groups.values(), key=lambda g: (g.team_id is None, g.name.lower())),
        team_id=team_id,
    )


# --- one person's day: the drill-down ---------------------------------------------


@dataclass
class BoardRow:
    """One person of the layer below, and their checklist of the board's day."""

    person: User
    layer: Layer | None
    teams: list[str]
    checklist: Checklist | None
    checks: list[Check]
    carried: list[Check] = field(default_factory=list)
    carried_total: int = 0
    carried_since: date | None = None  # the day of the oldest red carried

    @property
    def progress(self) -> Progress:
        return Progress.of(self.checks)

    @property
    def red(self) -> int:
        return sum(check.is_red for check in self.checks)

    @property
    def changed_after_confirmation(self) -> int:
        return sum(check.changed for check in self.checks)


def board_colour(check: Check) -> str:
    """Kamishibai: red until a countermeasure is recorded, green when done, else grey."""
    if check.is_red:
        return "red"
    return "green" if check.is_green else "grey"


def _day_checks() -> QuerySet[Check]:
    """Checks with what the one-day list shows: the last few events, the count of all of them."""
    event_count = (
        CheckEvent.objects.filter(check_item=OuterRef("pk"))
        .order_by()
        .values("check_item")
        .annotate(n=Count("pk"))
        .values("n")
    )
    recent = CheckEvent.objects.select_related("actor").order_by("-at", "-pk")[:RECENT_EVENTS]
    return (
        with_miss_history(Check.objects.select_related("item", "miss_reason", "verified_by"))
        .annotate(
            changed=changed_after_confirmation(),
            event_count=Coalesce(Subquery(event_count, output_field=IntegerField()), Value(0)),
        )
        .prefetch_related(Prefetch("events", queryset=recent, to_attr="recent_events"))
        .order_by("position", "pk")
    )


def _earlier_reds(people_ids: list[int], day: date) -> QuerySet[Check]:
    """The people's red checks of the days before `day`, however old: a red is carried
    until its countermeasure is recorded (the partial index standardwork_check_red, by
    the checks' own owner: each person's few reds, whatever the organisation's history)."""
    # The owner twice on purpose: the checks' own column picks the reds from the index,
    # the checklists' lets the planner read only these people's checklists for the date.
    return Check.objects.filter(
        RED,
        owner_id__in=people_ids,
        checklist__owner_id__in=people_ids,
        checklist__date__lt=day,
    )


def _reds_before(people_ids: list[int], day: date) -> dict[int, tuple[int, date]]:
    """Each person's reds carried into `day`: how many, and the day of the oldest (one query)."""
    return {
        owner_id: (reds, oldest)
        for owner_id, reds, oldest in _reds_counted(people_ids=people_ids, day=day)
    }


# Asked by the grid and the board on every request: compiled once (leanops.base.baked).
_reds_counted = baked(
    lambda people_ids, day: (
        _earlier_reds(people_ids, day)
        .values("checklist__owner_id")
        .annotate(reds=Count("checklist"), oldest=Min("checklist__date"))
        .order_by()
        .values_list("checklist__owner_id", "reds", "oldest")
    )
)


def _carried_reds(
    people_ids: list[int], day: date
) -> tuple[dict[int, list[Check]], dict[int, tuple[int, date]]]:
    """Each person's reds carried into `day`: the latest few, how many and the oldest day
    (two queries)."""
    earlier = _earlier_reds(people_ids, day)
    latest: dict[int, list[Check]] = {}
    for check in (
        earlier.select_related("item", "checklist")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("checklist__owner_id"),
                order_by=[F("checklist__date").desc(), F("position").asc(), F("pk").asc()],
            )
        )
        .filter(rank__lte=CARRIED_SHOWN)
        .order_by("checklist__owner_id", "-checklist__date", "position", "pk")
    ):
        latest.setdefault(check.checklist.owner_id, []).append(check)
    return latest, _reds_before(people_ids, day)


def _board_people(people: QuerySet[User], day: date) -> list[BoardRow]:
    """Rows for `people` on `day`, in nine queries whatever their history."""
    people = list(
        _people_with_places(people).prefetch_related(
            Prefetch(
                "checklists",
                queryset=Checklist.objects.filter(date=day)
                .select_related("verified_by")
                .prefetch_related(Prefetch("checks", queryset=_day_checks())),
                to_attr="board_checklists",
            )
        )
    )
    carried, carried_totals = _carried_reds([person.pk for person in people], day)
    rows = []
    for person in people:
        coordinated = [team.name for team in person.coordinated_teams.all()]
        checklist = person.board_checklists[0] if person.board_checklists else None
        checks = list(checklist.checks.all()) if checklist is not None else []
        if not checks:
            checklist = None  # an empty checklist only records that nothing was due
        for check in checks:
            check.colour = board_colour(check)
            check.done_after_a_miss = check.status == Check.Status.DONE and bool(check.last_miss)
        rows.append(
            BoardRow(
                person=person,
                layer=_layer(person),
                teams=coordinated or [m.team.name for m in person.board_memberships],
                checklist=checklist,
                checks=checks,
                carried=carried.get(person.pk, []),
                carried_total=carried_totals.get(person.pk, (0, None))[0],
                carried_since=carried_totals.get(person.pk, (0, None))[1],
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


def verification_board(
    *, verifier: User, day: date, team_id: int | None = None, person_id: int | None = None
) -> list[BoardRow]:
    """The layer below `verifier` (standardwork.policy.verifiable_people) on `day`.

    `team_id` keeps the people of one team (its members and leader, or its
    coordinator); `person_id` keeps one person.
    """
    people = policy.verifiable_people(verifier)
    if team_id is not None:
        people = people.filter(Q(memberships__team_id=team_id) | Q(coordinated_teams=team_id))
    if person_id is not None:
        people = people.filter(pk=person_id)
    return _board_people(people.distinct(), day)


def board_row(*, viewer: User, person_id: int, day: date) -> BoardRow | None:
    """One person's row, if `viewer` may see their standard work (their own or a layer below)."""
    people = organisation.overseen_people(viewer).filter(pk=person_id)
    rows = _board_people(people, day)
    return rows[0] if rows else None


def checklist_with_owner(*, viewer: User, checklist_id: int) -> Checklist | None:
    """A checklist and its owner, if `viewer` may see the owner's standard work (their
    own, or a layer below them); None when not, as when it does not exist."""
    return (
        Checklist.objects.select_related("owner")
        .filter(pk=checklist_id, owner__in=organisation.overseen_people(viewer))
        .first()
    )


@dataclass
class CheckHistory:
    check: Check
    events: list[CheckEvent]


def check_history(*, viewer: User, check_id: int) -> CheckHistory | None:
    """Every event of one item, oldest first, if `viewer` may see its owner's standard work."""
    check = (
        Check.objects.select_related("item", "checklist__owner")
        .filter(pk=check_id, checklist__owner__in=organisation.overseen_people(viewer))
        .first()
    )
    if check is None:
        return None
    events = list(check.events.select_related("actor").order_by("at", "pk"))
    return CheckHistory(check=check, events=events)
