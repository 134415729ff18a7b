"""Reads for the improvement pages: a team's cycles and control points, one cycle,
one control point with its XmR chart.

Each answers its page in a fixed number of queries however many measurements,
actions or events there are: the chart reads the baseline and the window it
shows, the sparklines a sliced prefetch of the latest values.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from roles import policy as organisation
from roles.models import Team, User
from standardwork import calendar, xmr
from standardwork.models import (
    Action,
    ControlPoint,
    ControlPointBaseline,
    Cycle,
    CycleEvent,
    Measurement,
    MeasurementChange,
    StandardWorkTemplate,
    TemplateVersion,
)

# How many of the latest values a sparkline draws, and the chart on a control point's page.
SPARK_POINTS = 20
CHART_POINTS = 60
CLOSED_CYCLES_SHOWN = 20


def visible_team(*, user: User, team_id: int) -> Team | None:
    """The team, when `user` may see it."""
    return organisation.visible_teams(user).filter(pk=team_id).first()


def standard_choices(team: Team) -> QuerySet[StandardWorkTemplate]:
    """Standard work a cycle of `team` may check or change: the team's or its value streams'."""
    return StandardWorkTemplate.objects.filter(
        Q(team=team) | Q(value_stream__in=team.value_streams.values("pk"))
    ).order_by("layer", "name")


def open_cycles(team: Team) -> QuerySet[Cycle]:
    """The team's cycles not yet closed, newest first: what a new control point may measure."""
    return Cycle.objects.filter(team=team).exclude(phase=Cycle.Phase.CLOSED).order_by("-created_at")


def improvement_teams(*, user: User) -> QuerySet[Team]:
    """Teams whose improvement work `user` sees, with their open cycles and control points."""
    return (
        organisation.visible_teams(user)
        .filter(kind=Team.Kind.SALES_MARKETING)
        .annotate(
            open_cycles=Count("cycles", filter=~Q(cycles__phase=Cycle.Phase.CLOSED), distinct=True),
            control_point_count=Count(
                "control_points", filter=Q(control_points__is_active=True), distinct=True
            ),
        )
        .order_by("name")
    )


def _latest_measurements() -> Prefetch:
    return Prefetch(
        "measurements",
        queryset=Measurement.objects.filter(voided_at__isnull=True).order_by("-measured_on", "-pk")[
            :SPARK_POINTS
        ],
        to_attr="latest_desc",
    )


@dataclass
class ControlPointRow:
    """A control point as a list shows it: latest value, its sparkline, flags among them."""

    control_point: ControlPoint
    latest: list[Measurement]  # oldest first
    sparkline: xmr.Sparkline | None
    today: date
    # Filled on a cycle's page: the values since the cycle moved to Do, and before.
    during_mean: Decimal | None = None
    during_count: int = 0
    during_flagged: int = 0
    before_mean: Decimal | None = None

    @property
    def last(self) -> Measurement | None:
        return self.latest[-1] if self.latest else None

    @property
    def last_day_label(self) -> str:
        return xmr.format_day(self.last.measured_on, self.today) if self.last else ""

    @property
    def flagged_recently(self) -> int:
        """Of the latest values, how many are signals: the count every page shows."""
        return sum(1 for measurement in self.latest if measurement.out_of_limits)

    @property
    def during_label(self) -> str:
        return xmr.format_number(self.during_mean)

    @property
    def before_label(self) -> str:
        return xmr.format_number(self.before_mean)


def _rows(control_points, today: date) -> list[ControlPointRow]:
    rows = []
    for control_point in control_points:
        latest = list(reversed(control_point.latest_desc))
        rows.append(
            ControlPointRow(
                control_point=control_point,
                latest=latest,
                sparkline=xmr.sparkline([m.value for m in latest]),
                today=today,
            )
        )
    return rows


@dataclass
class TeamImprovement:
    team: Team
    open_cycles: list[Cycle]
    closed_cycles: list[Cycle]
    closed_count: int
    control_points: list[ControlPointRow]


def team_improvement(*, user: User, team_id: int) -> TeamImprovement | None:
    """A team's open cycles, its latest closed ones and its control points; None if unseen."""
    team = organisation.visible_teams(user).filter(pk=team_id).first()
    if team is None:
        return None
    cycles = Cycle.objects.filter(team=team).select_related("standard")
    closed = cycles.filter(phase=Cycle.Phase.CLOSED)
    control_points = (
        ControlPoint.objects.filter(team=team, is_active=True)
        .select_related("cycle")
        .prefetch_related(_latest_measurements())
        .order_by("name")
    )
    return TeamImprovement(
        team=team,
        open_cycles=list(cycles.exclude(phase=Cycle.Phase.CLOSED).order_by("-created_at", "-pk")),
        closed_cycles=list(closed.order_by("-closed_at", "-pk")[:CLOSED_CYCLES_SHOWN]),
        closed_count=closed.count(),
        control_points=_rows(control_points, calendar.team_today(team)),
    )


@dataclass
class CyclePage:
    cycle: Cycle
    actions: list[Action]
    events: list[CycleEvent]
    control_points: list[ControlPointRow]
    adopted_versions: list[TemplateVersion]
    do_started: date | None = None
    today: date | None = None

    @property
    def do_started_label(self) -> str:
        if self.do_started is None:
            return ""
        return xmr.format_day(self.do_started, self.today or self.do_started)

    @property
    def follows(self) -> Cycle | None:
        """The cycle this one is the follow-up of, if any."""
        try:
            return self.cycle.follows
        except Cycle.DoesNotExist:
            return None


def cycle_detail(*, user: User, cycle_id: int) -> CyclePage | None:
    """One cycle with its actions, history, control points (results since Do) and the
    standard-work versions it made; None if it does not exist or `user` may not see it."""
    cycle = (
        Cycle.objects.filter(pk=cycle_id, team__in=organisation.visible_teams(user).values("pk"))
        .select_related("team", "standard", "created_by", "follow_up", "follows")
        .prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related("owner")),
            Prefetch("events", queryset=CycleEvent.objects.select_related("actor")),
            Prefetch(
                "adopted_versions",
                queryset=TemplateVersion.objects.select_related("template").order_by("number"),
            ),
        )
        .first()
    )
    if cycle is None:
        return None
    events = list(cycle.events.all())
    do_started = next(
        (
            calendar.local_date(event.at, cycle.team.time_zone)
            for event in events
            if event.to_phase == Cycle.Phase.DO
        ),
        None,
    )
    control_points = ControlPoint.objects.filter(cycle=cycle).prefetch_related(
        _latest_measurements()
    )
    if do_started is not None:
        counted = Q(measurements__voided_at__isnull=True)
        during = counted & Q(measurements__measured_on__gte=do_started)
        control_points = control_points.annotate(
            during_mean=Avg("measurements__value", filter=during),
            during_count=Count("measurements", filter=during),
            during_flagged=Count(
                "measurements", filter=during & Q(measurements__out_of_limits=True)
            ),
            before_mean=Avg(
                "measurements__value",
                filter=counted & Q(measurements__measured_on__lt=do_started),
            ),
        )
    today = calendar.team_today(cycle.team)
    rows = _rows(control_points.order_by("name"), today)
    for row in rows:
        point = row.control_point
        if do_started is not None:
            row.during_mean = _decimal(point.during_mean)
            row.during_count = point.during_count
            row.during_flagged = point.during_flagged
            row.before_mean = _decimal(point.before_mean)
    return CyclePage(
        cycle=cycle,
        actions=list(cycle.actions.all()),
        events=events,
        control_points=rows,
        adopted_versions=list(cycle.adopted_versions.all()),
        do_started=do_started,
        today=today,
    )


def _decimal(number) -> Decimal | None:
    return None if number is None else Decimal(str(number))


@dataclass(frozen=True)
class MeasurementRow:
    """A row of the chart's data table: the value, its point (signals, moving range)."""

    measurement: Measurement
    point: xmr.Point
    day_label: str

    @property
    def moving_range(self) -> str | None:
        return self.point.range_label


@dataclass
class ControlPointPage:
    control_point: ControlPoint
    chart: xmr.Chart
    total: int
    # The measurements the chart shows, oldest first, with who entered them.
    measurements: list[Measurement]
    baselines: list[ControlPointBaseline]
    today: date

    @property
    def shown(self) -> int:
        return len(self.measurements)

    @property
    def recent(self) -> int:
        """How many of the latest values the lists count flags among."""
        return min(SPARK_POINTS, self.shown)

    @property
    def flagged_recently(self) -> int:
        """Of the latest SPARK_POINTS values, how many are signals (as the lists count)."""
        return sum(1 for point in self.chart.points[-SPARK_POINTS:] if point.flagged)

    @property
    def rows(self) -> list[MeasurementRow]:
        """Newest first, as the table lists them."""
        return [
            MeasurementRow(
                measurement=measurement,
                point=point,
                day_label=xmr.format_day(measurement.measured_on, self.today, weekday=True),
            )
            for measurement, point in reversed(
                list(zip(self.measurements, self.chart.points, strict=True))
            )
        ]


def _baseline_values(
    control_point: ControlPoint, breaks: list[xmr.Break], segments: set[int]
) -> dict[int, list[Decimal]]:
    """The first BASELINE_SIZE values of each baseline in `segments`, in one query."""
    starts = sorted(mark.starts_on for mark in breaks)
    # Which baseline a value belongs to: the number of breaks on or before its day.
    number = Case(
        *[
            When(measured_on__gte=day, then=Value(len(starts) - n))
            for n, day in enumerate(reversed(starts))
        ],
        default=Value(0),
    )
    rows = (
        Measurement.objects.filter(control_point=control_point, voided_at__isnull=True)
        .annotate(
            segment=number,
            position=Window(
                RowNumber(), partition_by=[number], order_by=[F("measured_on"), F("pk")]
            ),
        )
        .filter(position__lte=xmr.BASELINE_SIZE)
        .order_by("segment", "measured_on", "pk")
        .values_list("segment", "value")
    )
    baselines: dict[int, list[Decimal]] = {segment: [] for segment in segments}
    for segment, value in rows:
        if segment in baselines:
            baselines[segment].append(value)
    return baselines


def control_point_detail(*, user: User, control_point_id: int) -> ControlPointPage | None:
    """A control point with its XmR chart of the latest CHART_POINTS values.

    Each baseline's limits come from its first values, which may lie before
    the window shown; the window is judged with the LOOKBACK values before
    it, so it flags what the stored flags say. Five reads, however long the
    history and however many baselines.
    """
    control_point = (
        ControlPoint.objects.filter(
            pk=control_point_id, team__in=organisation.visible_teams(user).values("pk")
        )
        .select_related("team", "team__coordinator", "cycle", "created_by")
        .first()
    )
    if control_point is None:
        return None
    today = calendar.team_today(control_point.team)
    counted = Measurement.objects.filter(control_point=control_point, voided_at__isnull=True)
    baselines = list(
        ControlPointBaseline.objects.filter(control_point=control_point).select_related(
            "cycle", "created_by"
        )
    )
    breaks = [xmr.Break(starts_on=b.starts_on, reason=b.reason) for b in baselines]
    # LOOKBACK more than shown, so the first points shown see the runs they end.
    window = list(
        counted.select_related("entered_by")
        .annotate(change_count=Count("changes"))
        .order_by("-measured_on", "-pk")[: CHART_POINTS + xmr.LOOKBACK]
    )[::-1]
    total = counted.count()
    context = max(0, len(window) - CHART_POINTS)
    starts = [mark.starts_on for mark in breaks]
    segments = {sum(1 for day in starts if day <= m.measured_on) for m in window}
    judgement = xmr.judge(
        [(m.measured_on, m.value) for m in window],
        breaks=breaks,
        baselines=_baseline_values(control_point, breaks, segments) if window else {},
        lower_limit=control_point.lower_limit,
        upper_limit=control_point.upper_limit,
        context=context,
    )
    return ControlPointPage(
        control_point=control_point,
        chart=xmr.chart(judgement, target=control_point.target, today=today),
        total=total,
        measurements=window[context:],
        baselines=baselines,
        today=today,
    )


@dataclass
class MeasurementPage:
    """One value with its history: what correcting or voiding it shows."""

    measurement: Measurement
    control_point: ControlPoint
    changes: list[MeasurementChange]
    today: date

    @property
    def day_label(self) -> str:
        return xmr.format_day(self.measurement.measured_on, self.today, weekday=True)

    @property
    def value_label(self) -> str:
        return xmr.format_number(self.measurement.value)


def measurement_detail(*, user: User, measurement_id: int) -> MeasurementPage | None:
    """A value of a control point `user` sees, with its corrections; None otherwise."""
    measurement = (
        Measurement.objects.filter(
            pk=measurement_id,
            control_point__team__in=organisation.visible_teams(user).values("pk"),
        )
        .select_related("control_point", "control_point__team", "entered_by")
        .prefetch_related(
            Prefetch("changes", queryset=MeasurementChange.objects.select_related("changed_by"))
        )
        .first()
    )
    if measurement is None:
        return None
    return MeasurementPage(
        measurement=measurement,
        control_point=measurement.control_point,
        changes=list(measurement.changes.all()),
        today=calendar.team_today(measurement.control_point.team),
    )


@dataclass
class AdoptPage:
    """What adopting a cycle starts from: the standard's current version and its items."""

    cycle: Cycle
    current: TemplateVersion | None
    items: list[dict] = field(default_factory=list)

    @property
    def next_version(self) -> int:
        return self.current.number + 1 if self.current else 1


def adopt_page(*, user: User, cycle_id: int) -> AdoptPage | None:
    """A cycle `user` sees, with its standard's current items as the adopt form's start."""
    cycle = (
        Cycle.objects.filter(pk=cycle_id, team__in=organisation.visible_teams(user).values("pk"))
        .select_related("team", "standard")
        .first()
    )
    if cycle is None:
        return None
    current = (
        cycle.standard.versions.prefetch_related("items").order_by("-number").first()
        if cycle.standard
        else None
    )
    items = []
    if current is not None:
        items = [
            {
                "title": item.title,
                "cadence": item.cadence,
                "weekday": item.weekday,
                "day_of_month": item.day_of_month,
                "expected_minutes": item.expected_minutes,
                "kind": item.kind,
            }
            for item in sorted(current.items.all(), key=lambda item: (item.position, item.pk))
        ]
    return AdoptPage(cycle=cycle, current=current, items=items)
