"""Adherence to standard work: completion, planned vs actual minutes against
the layer's target share, and misses by reason (Pareto).

An item still open after its day (or, for weekly and monthly items, after its
week or month) counts as missed with no reason given: a day the worker was
down still counts, a day of recorded leave has no checklist at all.
Each report is built from a fixed number of grouped queries, whatever the
length of the history.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Case, Count, Sum, When
from django.db.models.functions import TruncWeek
from django.utils import timezone

from leanops.base.baked import baked
from roles import cache as organisation_cache
from roles import policy as organisation
from roles.layers import LAYER_ORDER
from roles.models import Layer, Team, User
from roles.selectors import PersonPlace, person_places
from standardwork import calendar
from standardwork.defaults import LAYER_TARGETS
from standardwork.models import (
    AdherenceWeek,
    Check,
    LayerTarget,
    MissReason,
    SummarisedWeek,
    TemplateItem,
)
from standardwork.models.standard import RED_CHECK
from standardwork.selectors.verification import last_miss_text, miss_reason_label

NO_REASON = "Not done, no reason given"
# Each layer's target share of working time in standard work, until an administrator
# sets another (LayerTarget).
DEFAULT_TARGETS = {Layer(layer): percent for layer, percent in LAYER_TARGETS.items()}
DEFAULT_WORKING_MINUTES = 480


@dataclass(slots=True)
class Tally:
    done: int = 0
    missed: int = 0
    open: int = 0
    planned_minutes: int = 0
    actual_minutes: int = 0
    days: int = 0
    working_minutes: int = 0
    target_percent: int = 0
    done_after_miss: int = 0  # counted in `done`; their miss reasons stay in the Pareto
    reds: int = 0  # kamishibai reds among the checks (RED_CHECK): a miss still unanswered

    def add(self, other: "Tally") -> None:
        self.done += other.done
        self.reds += other.reds
        self.done_after_miss += other.done_after_miss
        self.missed += other.missed
        self.open += other.open
        self.planned_minutes += other.planned_minutes
        self.actual_minutes += other.actual_minutes
        self.days += other.days
        self.working_minutes += other.working_minutes

    @property
    def total(self) -> int:
        return self.done + self.missed + self.open

    @property
    def settled(self) -> int:
        """Items that have fallen due: done or missed (open ones are not counted yet)."""
        return self.done + self.missed

    @property
    def completion_percent(self) -> int | None:
        """Done out of what has fallen due (items still open in their period are left out)."""
        return round(100 * self.done / self.settled) if self.settled else None

    @property
    def minutes_per_day(self) -> int | None:
        """The working minutes of one day, as the shares count them."""
        return self.working_minutes // self.days if self.days else None

    @property
    def planned_share_percent(self) -> int | None:
        if not self.working_minutes:
            return None
        return round(100 * self.planned_minutes / self.working_minutes)

    @property
    def actual_share_percent(self) -> int | None:
        if not self.working_minutes:
            return None
        return round(100 * self.actual_minutes / self.working_minutes)


@dataclass
class ParetoRow:
    reason: str
    count: int
    percent: int
    cumulative_percent: int


@dataclass
class PersonAdherence:
    person: User
    layer: Layer | None
    total: Tally
    by_day: dict[date, Tally] = field(default_factory=dict)
    by_week: dict[date, Tally] = field(default_factory=dict)  # keyed by the week's Monday


@dataclass
class AdherenceReport:
    start: date
    end: date
    people: list[PersonAdherence]
    by_layer: dict[Layer, Tally]
    total: Tally
    pareto: list[ParetoRow]


def _primary_layer(place: PersonPlace | None) -> Layer | None:
    return place.layer if place is not None else None


def layer_targets() -> dict[str, tuple[int, int]]:
    """Each layer's (target percent, working minutes a day): kept between requests (the
    admin and `standard_defaults_ensure` forget them when they change)."""
    return organisation_cache.organisation_wide(LAYER_TARGETS_KIND, _targets_read)


LAYER_TARGETS_KIND = "layer-targets"


def _targets_read() -> dict[str, tuple[int, int]]:
    return {
        layer: (percent, minutes)
        for layer, percent, minutes in LayerTarget.objects.order_by().values_list(
            "layer", "target_percent", "working_minutes_per_day"
        )
    }


def _settled_status(status: str, cadence: str, day: date, today: date) -> str:
    if status != Check.Status.OPEN:
        return status
    if calendar.same_period(cadence, day, today):
        return Check.Status.OPEN
    return Check.Status.MISSED


def _pareto(counter: Counter) -> list[ParetoRow]:
    total = sum(counter.values())
    rows, running = [], 0
    for reason, count in sorted(counter.items(), key=lambda pair: (-pair[1], pair[0])):
        running += count
        rows.append(
            ParetoRow(
                reason=reason,
                count=count,
                percent=round(100 * count / total),
                cumulative_percent=round(100 * running / total),
            )
        )
    return rows


def _tally_rows_query(owner_ids: list[int], start: date, end: date):
    """One row per person, day, cadence, status and miss reason with its counts and
    minutes (see adherence_report)."""
    return (
        Check.objects.filter(checklist__owner_id__in=owner_ids, checklist__date__range=(start, end))
        .annotate(
            last_miss=Case(When(status=Check.Status.DONE, then=last_miss_text()), default=None)
        )
        .values(
            "checklist__owner_id",
            "checklist__date",
            "item__cadence",
            "status",
            "miss_reason__label",
            "miss_reason_text",
            "last_miss",
        )
        .annotate(
            count=Count("pk"),
            planned=Sum("item__expected_minutes"),
            actual=Sum("actual_minutes"),
            reds=Count("pk", filter=RED_CHECK),
        )
        .order_by()
    )


# The results pages and the dashboard ask it on every request: compiled once per
# number of people (leanops.base.baked).
_tally_rows = baked(_tally_rows_query)


def adherence_report(
    *,
    people: list[User],
    start: date,
    end: date,
    today: date,
    places: dict[int, PersonPlace] | None = None,
) -> AdherenceReport:
    """Adherence of `people` over [start, end] as of `today`, in two queries (three when
    an item was done after a miss: the reasons' labels).

    Pass `places` when the caller already read them (to find `today`).
    """
    ids = [person.pk for person in people]
    if places is None:
        places = person_places(user_ids=ids)
    targets = layer_targets()
    # One grouped query gives the tallies and the miss reasons: a missed item's reason
    # splits its group, and nothing else has one. A miss later done (undone, then
    # ticked) counts as done, and the reason it was missed for stays in the Pareto:
    # a done item's last miss (from its events; None when it was never missed) splits
    # its group too.
    rows = _tally_rows(owner_ids=ids, start=start, end=end)
    days: dict[int, dict[date, Tally]] = defaultdict(dict)
    reasons = Counter()
    done_after_miss: list[tuple[str, int]] = []  # (last miss text, count)
    for row in rows:
        person_id, day = row["checklist__owner_id"], row["checklist__date"]
        place = places.get(person_id)
        layer = _primary_layer(place)
        target, working = targets.get(layer, (0, DEFAULT_WORKING_MINUTES))
        tally = days[person_id].setdefault(
            day, Tally(days=1, working_minutes=working, target_percent=target)
        )
        status = _settled_status(row["status"], row["item__cadence"], day, today)
        setattr(tally, status, getattr(tally, status) + row["count"])
        tally.planned_minutes += row["planned"] or 0
        tally.actual_minutes += row["actual"] or 0
        tally.reds += row["reds"]
        if row["status"] == Check.Status.MISSED:
            label = row["miss_reason__label"] or row["miss_reason_text"] or NO_REASON
            reasons[label] += row["count"]
        elif row["last_miss"] is not None:
            tally.done_after_miss += row["count"]
            done_after_miss.append((row["last_miss"], row["count"]))

    unexplained = sum(
        tally.missed for person_days in days.values() for tally in person_days.values()
    ) - sum(reasons.values())
    if unexplained > 0:
        reasons[NO_REASON] += unexplained
    labels = list(MissReason.objects.values_list("label", flat=True)) if done_after_miss else []
    for last_miss, count in done_after_miss:
        reasons[miss_reason_label(last_miss, labels) or NO_REASON] += count

    report_people, by_layer, total = [], {}, Tally()
    for person in people:
        layer = _primary_layer(places.get(person.pk))
        target = targets.get(layer, (0, DEFAULT_WORKING_MINUTES))[0]
        person_total = Tally(target_percent=target)
        by_week: dict[date, Tally] = {}
        for day, tally in sorted(days[person.pk].items()):
            person_total.add(tally)
            monday = calendar.period_start(TemplateItem.Cadence.WEEKLY, day)
            by_week.setdefault(monday, Tally(target_percent=target)).add(tally)
        report_people.append(
            PersonAdherence(
                person=person,
                layer=layer,
                total=person_total,
                by_day=dict(sorted(days[person.pk].items())),
                by_week=by_week,
            )
        )
        if layer is not None:
            by_layer.setdefault(layer, Tally(target_percent=target)).add(person_total)
        total.add(person_total)
    ordered_layers = {layer: by_layer[layer] for layer in LAYER_ORDER if layer in by_layer}
    return AdherenceReport(
        start=start,
        end=end,
        people=report_people,
        by_layer=ordered_layers,
        total=total,
        pareto=_pareto(reasons),
    )


def team_people(team: Team) -> list[User]:
    """The team's TC, TL and members, for the team's adherence page."""
    people = {membership.user.pk: membership.user for membership in team.memberships.all()}
    if team.coordinator is not None:
        people.setdefault(team.coordinator.pk, team.coordinator)
    return sorted(people.values(), key=lambda user: user.display_name)


# --- the results pages ---------------------------------------------------------

# How many weeks the person page's trend shows, the chosen week last.
TREND_WEEKS = 8


@dataclass(frozen=True)
class WeekNav:
    week_start: date
    previous_week: date
    next_week: date | None  # None while the week shown is the current one

    @classmethod
    def of(cls, week_start: date, today: date) -> "WeekNav":
        next_week = week_start + timedelta(days=7)
        return cls(
            week_start=week_start,
            previous_week=week_start - timedelta(days=7),
            next_week=next_week if next_week <= today else None,
        )


@dataclass
class PersonResults:
    """The person results page: the chosen week by day, and the trend of the weeks before."""

    person: User
    report: AdherenceReport
    row: PersonAdherence
    week: Tally
    days: list[tuple[date, Tally]]
    weeks: list[tuple[date, Tally]]
    nav: WeekNav


@dataclass
class TeamResults:
    team: Team
    report: AdherenceReport
    nav: WeekNav


# Asked on every request of a person's results page: compiled once (leanops.base.baked).
_overseen_person = baked(
    lambda viewer_id, person_id: User.objects.filter(
        pk=person_id, pk__in=organisation.overseen_people_ids(viewer_id)
    )[:1]
)


def visible_person(*, viewer: User, person_id: int) -> User | None:
    """The person, if `viewer` may see their results (their own, or a layer below)."""
    if not viewer.is_authenticated or viewer.is_superuser:
        return organisation.overseen_people(viewer).filter(pk=person_id).first()
    found = _overseen_person(viewer_id=viewer.pk, person_id=person_id)
    return found[0] if found else None


def person_results_calendar(person: User) -> tuple[date, dict[int, PersonPlace]]:
    """The person's today and their places, in one read that the report reuses."""
    places = person_places(user_ids=[person.pk])
    place = places.get(person.pk)
    return calendar.local_date(timezone.now(), place.time_zone if place else "UTC"), places


def person_results(
    *, person: User, week_start: date, today: date, places: dict[int, PersonPlace]
) -> PersonResults:
    report = adherence_report(
        people=[person],
        start=week_start - timedelta(weeks=TREND_WEEKS - 1),
        end=week_start + timedelta(days=6),
        today=today,
        places=places,
    )
    row = report.people[0]
    days = [(day, tally) for day, tally in row.by_day.items() if day >= week_start]
    week = Tally(target_percent=row.total.target_percent)
    for _, tally in days:
        week.add(tally)
    return PersonResults(
        person=person,
        report=report,
        row=row,
        week=week,
        days=days,
        weeks=sorted(row.by_week.items()),
        nav=WeekNav.of(week_start, today),
    )


def team_results(*, team: Team, week_start: date, today: date) -> TeamResults:
    report = adherence_report(
        people=team_people(team), start=week_start, end=week_start + timedelta(days=6), today=today
    )
    return TeamResults(team=team, report=report, nav=WeekNav.of(week_start, today))


# --- whole weeks, for trends ----------------------------------------------------------


@dataclass(slots=True)
class WeekCounts:
    """One person's checks of one week, as they stand (not yet settled against a today)."""

    done: int = 0
    missed: int = 0
    open: int = 0
    open_monthly: int = 0
    reds: int = 0


def week_counts(
    *, mondays: list[date], owner_ids: list[int] | None = None
) -> dict[tuple[int, date], WeekCounts]:
    """Checks per (person, Monday) over the weeks of `mondays` (everyone's when
    `owner_ids` is None), counted by status in one grouped query."""
    if not mondays:
        return {}
    checks = Check.objects.filter(
        checklist__date__range=(min(mondays), max(mondays) + timedelta(days=6))
    )
    if owner_ids is not None:
        checks = checks.filter(checklist__owner_id__in=owner_ids)
    wanted = set(mondays)
    counts: dict[tuple[int, date], WeekCounts] = defaultdict(WeekCounts)
    for row in (
        checks.annotate(week=TruncWeek("checklist__date"))
        .values("checklist__owner_id", "week", "status", "item__cadence")
        .annotate(count=Count("pk"), reds=Count("pk", filter=RED_CHECK))
        .order_by()
    ):
        monday = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        if monday not in wanted:
            continue
        tally = counts[(row["checklist__owner_id"], monday)]
        tally.reds += row["reds"]
        if row["status"] == Check.Status.OPEN:
            if row["item__cadence"] == TemplateItem.Cadence.MONTHLY:
                tally.open_monthly += row["count"]
            else:
                tally.open += row["count"]
        elif row["status"] == Check.Status.DONE:
            tally.done += row["count"]
        else:
            tally.missed += row["count"]
    return dict(counts)


def week_settled(counts: WeekCounts, monday: date, today: date) -> Tally:
    """A past week's done and missed as of `today`: an item left open after its week is
    missed, except a monthly item whose month is still running (as `adherence_report`)."""
    month_running = monday + timedelta(days=6) >= today.replace(day=1)
    return Tally(
        done=counts.done,
        missed=counts.missed + counts.open + (0 if month_running else counts.open_monthly),
        open=counts.open_monthly if month_running else 0,
        reds=counts.reds,
    )


# The dashboard reads the weeks before this one on every request: compiled once per
# number of weeks and people (leanops.base.baked).
_summarised_weeks = baked(
    lambda mondays: SummarisedWeek.objects.filter(week_start__in=mondays, stale=False).values_list(
        "week_start", flat=True
    )
)
_week_summaries = baked(
    lambda owner_ids, mondays: AdherenceWeek.objects.filter(
        owner_id__in=owner_ids, week_start__in=mondays
    ).values_list("owner_id", "week_start", "done", "missed", "open", "open_monthly", "reds")
)


def past_week_tallies(
    *, owner_ids: list[int], mondays: list[date], today: date
) -> dict[int, dict[date, Tally]]:
    """Done and missed per person and week over `mondays` (whole weeks before this one).

    Weeks the tick has summarised (`SummarisedWeek`, not stale) come from their
    `AdherenceWeek` rows; any other week is counted live from its checks, so the
    figures are the same either way. Two queries, three when a week is not summarised.
    """
    summarised = set(_summarised_weeks(mondays=list(mondays)))
    counts: dict[tuple[int, date], WeekCounts] = {}
    if summarised:
        for owner_id, monday, *figures in _week_summaries(
            owner_ids=list(owner_ids), mondays=sorted(summarised)
        ):
            counts[(owner_id, monday)] = WeekCounts(*figures)
    live = [monday for monday in mondays if monday not in summarised]
    counts.update(week_counts(mondays=live, owner_ids=owner_ids))
    weeks: dict[int, dict[date, Tally]] = defaultdict(dict)
    for (owner_id, monday), week in counts.items():
        weeks[owner_id][monday] = week_settled(week, monday, today)
    return weeks
