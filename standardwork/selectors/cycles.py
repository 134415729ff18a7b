"""Reads for the improvement pages: a team's cycles and control points, one cycle,
one control point with its XmR chart.

Each answers its page in a fixed number of queries however many measurements,
actions or events there are: the chart reads the baseline and the window it
shows, the sparklines a sliced prefetch of the latest values.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from roles import policy as organisation
from roles.models import Team, User
from standardwork import calendar, xmr
from standardwork.models import (
    Action,
    ControlPoint,
    Cycle,
    CycleEvent,
    Measurement,
    TemplateVersion,
)

# How many of the latest values a sparkline draws, and the chart on a control point's page.
SPARK_POINTS = 20
CHART_POINTS = 60
CLOSED_CYCLES_SHOWN = 20


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
        queryset=Measurement.objects.order_by("-measured_on", "-pk")[:SPARK_POINTS],
        to_attr="latest_desc",
    )


@dataclass
class ControlPointRow:
    """A control point as a list shows it: latest value, its sparkline, flags among them."""

    control_point: ControlPoint
    latest: list[Measurement]  # oldest first
    sparkline: xmr.Sparkline | None
    # Filled on a cycle's page: the values since the cycle moved to Do, and before.
    during_mean: Decimal | None = None
    during_count: int = 0
    during_flagged: int = 0
    before_mean: Decimal | None = None

    @property
    def last(self) -> Measurement | None:
        return self.latest[-1] if self.latest else None

    @property
    def flagged_recently(self) -> int:
        return sum(1 for measurement in self.latest if measurement.out_of_limits)

    @property
    def during_label(self) -> str:
        return xmr.format_number(self.during_mean)

    @property
    def before_label(self) -> str:
        return xmr.format_number(self.before_mean)


def _rows(control_points) -> list[ControlPointRow]:
    rows = []
    for control_point in control_points:
        latest = list(reversed(control_point.latest_desc))
        rows.append(
            ControlPointRow(
                control_point=control_point,
                latest=latest,
                sparkline=xmr.sparkline([m.value for m in latest]),
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
        control_points=_rows(control_points),
    )


@dataclass
class CyclePage:
    cycle: Cycle
    actions: list[Action]
    events: list[CycleEvent]
    control_points: list[ControlPointRow]
    adopted_versions: list[TemplateVersion]
    do_started: date | None = None

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
        during = Q(measurements__measured_on__gte=do_started)
        control_points = control_points.annotate(
            during_mean=Avg("measurements__value", filter=during),
            during_count=Count("measurements", filter=during),
            during_flagged=Count(
                "measurements", filter=during & Q(measurements__out_of_limits=True)
            ),
            before_mean=Avg(
                "measurements__value", filter=Q(measurements__measured_on__lt=do_started)
            ),
        )
    rows = _rows(control_points.order_by("name"))
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
    )


def _decimal(number) -> Decimal | None:
    return None if number is None else Decimal(str(number))


@dataclass(frozen=True)
class MeasurementRow:
    """A row of the chart's data table: the value, its point and its moving range."""

    measurement: Measurement
    point: xmr.Point
    moving_range: str | None


@dataclass
class ControlPointPage:
    control_point: ControlPoint
    chart: xmr.Chart
    total: int
    # The measurements the chart shows, newest first, with who entered them.
    measurements: list[Measurement]

    @property
    def shown(self) -> int:
        return len(self.measurements)

    @property
    def rows(self) -> list[MeasurementRow]:
        """Newest first, as the table lists them."""
        points = self.chart.points
        # The first point shown has no moving range when nothing came before it.
        ranges = [None] * (len(points) - len(self.chart.ranges)) + [
            point.label for point in self.chart.ranges
        ]
        oldest_first = zip(reversed(self.measurements), points, ranges, strict=True)
        return [
            MeasurementRow(measurement=m, point=point, moving_range=moving_range)
            for m, point, moving_range in reversed(list(oldest_first))
        ]


def control_point_detail(*, user: User, control_point_id: int) -> ControlPointPage | None:
    """A control point with its XmR chart of the latest CHART_POINTS values.

    Natural process limits come from the baseline (the first values), which
    may lie before the window shown: three reads, however long the history.
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
    ordered = Measurement.objects.filter(control_point=control_point)
    baseline = list(
        ordered.order_by("measured_on", "pk").values_list("value", flat=True)[: xmr.BASELINE_SIZE]
    )
    # One more than shown, so the first point shown has its moving range.
    window = list(
        ordered.select_related("entered_by").order_by("-measured_on", "-pk")[: CHART_POINTS + 1]
    )
    total = ordered.count()
    shown = window[:CHART_POINTS]
    previous = window[CHART_POINTS].value if len(window) > CHART_POINTS else None
    chart = xmr.chart(
        [(m.measured_on, m.value) for m in reversed(shown)],
        limits=xmr.natural_limits(baseline),
        previous=previous,
        target=control_point.target,
        lower_limit=control_point.lower_limit,
        upper_limit=control_point.upper_limit,
    )
    return ControlPointPage(
        control_point=control_point, chart=chart, total=total, measurements=shown
    )
