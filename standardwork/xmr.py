"""Process-behaviour (XmR) charts: the arithmetic and the drawing, without Django models.

Wheeler's XmR chart plots the individual values X and their moving ranges
mR_i = |x_i - x_(i-1)|. Natural process limits come from a baseline, the
first up to BASELINE_SIZE values, once there are at least MIN_VALUES:

    X̄    = mean of the baseline values                  (centre line)
    mR̄   = mean of the baseline's moving ranges
    UNPL = X̄ + 2.66 · mR̄                                (upper natural process limit)
    LNPL = X̄ - 2.66 · mR̄                                (lower; left unfloored)
    URL  = 3.268 · mR̄                                   (upper range limit, mR chart)

A value is a signal when it lies outside the natural process limits or
outside the limits set on the control point. Prefer these limits, computed
from the data, over red/green against a target (DOMAIN.md).

The arithmetic is in Decimal, so a hand-worked example comes out exactly;
the geometry (SVG user units) is in float.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from math import floor, log10

MIN_VALUES = 6
BASELINE_SIZE = 20
NATURAL_LIMIT_FACTOR = Decimal("2.66")
RANGE_LIMIT_FACTOR = Decimal("3.268")

# --- arithmetic ---------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """Natural process limits computed from a baseline of `baseline_size` values."""

    mean: Decimal
    mean_range: Decimal
    upper: Decimal
    lower: Decimal
    range_upper: Decimal
    baseline_size: int


def moving_ranges(values: Sequence[Decimal]) -> list[Decimal]:
    """|x_i - x_(i-1)| for each value after the first."""
    return [abs(current - previous) for previous, current in pairwise(values)]


def natural_limits(values: Sequence[Decimal]) -> Limits | None:
    """Limits from the first up to BASELINE_SIZE `values`; None below MIN_VALUES values."""
    if len(values) < MIN_VALUES:
        return None
    baseline = [Decimal(value) for value in values[:BASELINE_SIZE]]
    mean = sum(baseline, Decimal(0)) / len(baseline)
    ranges = moving_ranges(baseline)
    mean_range = sum(ranges, Decimal(0)) / len(ranges)
    spread = NATURAL_LIMIT_FACTOR * mean_range
    return Limits(
        mean=mean,
        mean_range=mean_range,
        upper=mean + spread,
        lower=mean - spread,
        range_upper=RANGE_LIMIT_FACTOR * mean_range,
        baseline_size=len(baseline),
    )


def format_number(value: Decimal | float | int | None) -> str:
    """At most two decimals and no trailing zeros: 41.2, 40, -3.75."""
    if value is None:
        return ""
    rounded = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def signals(
    value: Decimal,
    *,
    limits: Limits | None,
    lower_limit: Decimal | None = None,
    upper_limit: Decimal | None = None,
) -> list[str]:
    """Why `value` is flagged: outside the natural process limits, or the set limits."""
    found = []
    if limits is not None:
        if value > limits.upper:
            found.append(f"Above the upper natural process limit {format_number(limits.upper)}")
        elif value < limits.lower:
            found.append(f"Below the lower natural process limit {format_number(limits.lower)}")
    if upper_limit is not None and value > upper_limit:
        found.append(f"Above the upper limit {format_number(upper_limit)}")
    elif lower_limit is not None and value < lower_limit:
        found.append(f"Below the lower limit {format_number(lower_limit)}")
    return found


# --- geometry -------------------------------------------------------------------

# SVG user units. The charts scale with their container (viewBox); these keep
# labels legible from a 375px phone (about 0.8 px per unit) to a desktop.
WIDTH = 400
X_HEIGHT = 220
MR_HEIGHT = 130
MARGIN_LEFT = 34
# The lines' names (UNPL, X̄, LNPL, Target...) sit in the right margin, clear of the points.
MARGIN_RIGHT = 42
LABEL_GAP = 11
MARGIN_TOP = 10
MARGIN_BOTTOM = 22
DATE_LABELS = 5


@dataclass(frozen=True)
class Line:
    """A horizontal line across the plot: centre line, a limit or the target."""

    kind: str  # "centre", "natural", "target", "set", "range"
    label: str
    value: Decimal
    y: float
    label_y: float = 0.0

    @property
    def value_label(self) -> str:
        return format_number(self.value)


@dataclass(frozen=True)
class Tick:
    label: str
    y: float


@dataclass(frozen=True)
class DateLabel:
    day: date
    x: float


@dataclass(frozen=True)
class Point:
    day: date
    value: Decimal
    x: float
    y: float
    signals: list[str]

    @property
    def flagged(self) -> bool:
        return bool(self.signals)

    @property
    def label(self) -> str:
        return format_number(self.value)

    @property
    def signal(self) -> str:
        return "; ".join(self.signals)


@dataclass(frozen=True)
class RangePoint:
    day: date
    value: Decimal
    x: float
    y: float
    flagged: bool

    @property
    def label(self) -> str:
        return format_number(self.value)


@dataclass(frozen=True)
class Panel:
    """One plot: its size, the polyline through its points, lines, ticks and dates."""

    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    path: str
    lines: list[Line]
    ticks: list[Tick]
    dates: list[DateLabel]


@dataclass(frozen=True)
class Chart:
    points: list[Point]
    ranges: list[RangePoint]
    limits: Limits | None
    x_panel: Panel | None
    mr_panel: Panel | None
    target: Decimal | None = None
    lower_limit: Decimal | None = None
    upper_limit: Decimal | None = None
    lines: list[Line] = field(default_factory=list)

    @property
    def flagged(self) -> list[Point]:
        return [point for point in self.points if point.flagged]

    @property
    def first_day(self) -> date | None:
        return self.points[0].day if self.points else None

    @property
    def last_day(self) -> date | None:
        return self.points[-1].day if self.points else None

    @property
    def values_needed(self) -> int:
        """How many more values before natural limits can be computed."""
        return max(0, MIN_VALUES - len(self.points)) if self.limits is None else 0


def _nice_step(span: float, ticks: int) -> float:
    raw = span / max(ticks, 1)
    magnitude = 10 ** floor(log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _scale(numbers: list[float], *, floor_at_zero: bool = False) -> tuple[float, float]:
    low, high = min(numbers), max(numbers)
    if high == low:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.08
    low, high = low - pad, high + pad
    if floor_at_zero:
        low = max(low, 0.0) if min(numbers) >= 0 else low
    return low, high


def _date_labels(days: list[date], xs: list[float]) -> list[DateLabel]:
    if not days:
        return []
    if len(days) <= DATE_LABELS:
        indexes = list(range(len(days)))
    else:
        step = (len(days) - 1) / (DATE_LABELS - 1)
        indexes = sorted({round(step * n) for n in range(DATE_LABELS)})
    return [DateLabel(day=days[i], x=xs[i]) for i in indexes]


def _spread_labels(lines: list[Line], *, top: float, bottom: float) -> list[Line]:
    """Each line with a label position beside it, at least LABEL_GAP apart from the next.

    Lines close together (a target near the mean) would print their names on
    top of each other; the names move apart, in the same order as the lines.
    """
    if not lines:
        return []
    order = sorted(range(len(lines)), key=lambda i: lines[i].y)
    positions = [lines[i].y + 3.5 for i in order]  # + 3.5: text centred on the line
    for n in range(1, len(positions)):
        positions[n] = max(positions[n], positions[n - 1] + LABEL_GAP)
    overflow = positions[-1] - (bottom + 8)
    if overflow > 0:
        positions = [p - overflow for p in positions]
        for n in range(len(positions) - 2, -1, -1):
            positions[n] = min(positions[n], positions[n + 1] - LABEL_GAP)
    label_y = dict(zip(order, positions, strict=True))
    return [
        Line(
            kind=line.kind,
            label=line.label,
            value=line.value,
            y=line.y,
            label_y=round(max(label_y[i], top + 4), 1),
        )
        for i, line in enumerate(lines)
    ]


def _panel(
    *,
    height: int,
    days: list[date],
    values: list[Decimal],
    lines: list[tuple[str, str, Decimal]],
    floor_at_zero: bool = False,
    first_x: int = 0,
    count: int | None = None,
) -> tuple[Panel, list[tuple[float, float]]]:
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, height - MARGIN_BOTTOM
    count = count or len(values)
    numbers = [float(v) for v in values] + [float(v) for _, _, v in lines]
    low, high = _scale(numbers, floor_at_zero=floor_at_zero)

    def y_of(value: float) -> float:
        return round(bottom - (value - low) / (high - low) * (bottom - top), 1)

    def x_of(index: int) -> float:
        if count <= 1:
            return round((left + right) / 2, 1)
        return round(left + 6 + index * (right - left - 12) / (count - 1), 1)

    coords = [(x_of(first_x + i), y_of(float(v))) for i, v in enumerate(values)]
    step = _nice_step(high - low, 4)
    tick = step * (low // step + 1)
    ticks = []
    while tick < high:
        ticks.append(Tick(label=format_number(Decimal(str(round(tick, 6)))), y=y_of(tick)))
        tick += step
    return (
        Panel(
            width=WIDTH,
            height=height,
            left=left,
            right=right,
            top=top,
            bottom=bottom,
            path=" ".join(f"{x:.1f},{y:.1f}" for x, y in coords),
            lines=_spread_labels(
                [
                    Line(kind=kind, label=label, value=value, y=y_of(float(value)))
                    for kind, label, value in lines
                ],
                top=top,
                bottom=bottom,
            ),
            ticks=ticks,
            dates=_date_labels(days, [x for x, _ in coords]),
        ),
        coords,
    )


def chart(
    series: Sequence[tuple[date, Decimal]],
    *,
    limits: Limits | None,
    previous: Decimal | None = None,
    target: Decimal | None = None,
    lower_limit: Decimal | None = None,
    upper_limit: Decimal | None = None,
) -> Chart:
    """The X chart and the mR chart of `series` (oldest first), against `limits`.

    `limits` come from the baseline (`natural_limits` of the first values),
    which may lie before the window shown; `previous` is the value just
    before the window, so its first point has a moving range too.
    """
    days = [day for day, _ in series]
    values = [Decimal(value) for _, value in series]
    lines: list[tuple[str, str, Decimal]] = []
    if limits is not None:
        lines += [
            ("natural", "UNPL", limits.upper),
            ("centre", "X̄", limits.mean),
            ("natural", "LNPL", limits.lower),
        ]
    if target is not None:
        lines.append(("target", "Target", target))
    if upper_limit is not None:
        lines.append(("set", "Upper", upper_limit))
    if lower_limit is not None:
        lines.append(("set", "Lower", lower_limit))
    if not values:
        return Chart(
            points=[], ranges=[], limits=limits, x_panel=None, mr_panel=None,
            target=target, lower_limit=lower_limit, upper_limit=upper_limit,
        )  # fmt: skip
    x_panel, coords = _panel(height=X_HEIGHT, days=days, values=values, lines=lines)
    points = [
        Point(
            day=day,
            value=value,
            x=x,
            y=y,
            signals=signals(value, limits=limits, lower_limit=lower_limit, upper_limit=upper_limit),
        )
        for (day, value), (x, y) in zip(zip(days, values, strict=True), coords, strict=True)
    ]
    with_previous = ([previous] if previous is not None else []) + values
    ranges_values = moving_ranges(with_previous)
    range_days = days[len(days) - len(ranges_values) :]
    ranges: list[RangePoint] = []
    mr_panel = None
    if ranges_values:
        range_lines = []
        if limits is not None:
            range_lines = [
                ("range", "URL", limits.range_upper),
                ("centre", "mR̄", limits.mean_range),
            ]
        mr_panel, range_coords = _panel(
            height=MR_HEIGHT,
            days=range_days,
            values=ranges_values,
            lines=range_lines,
            floor_at_zero=True,
            first_x=len(days) - len(ranges_values),
            count=len(days),
        )
        ranges = [
            RangePoint(
                day=day,
                value=value,
                x=x,
                y=y,
                flagged=limits is not None and value > limits.range_upper,
            )
            for day, value, (x, y) in zip(range_days, ranges_values, range_coords, strict=True)
        ]
    return Chart(
        points=points,
        ranges=ranges,
        limits=limits,
        x_panel=x_panel,
        mr_panel=mr_panel,
        target=target,
        lower_limit=lower_limit,
        upper_limit=upper_limit,
        lines=x_panel.lines,
    )


SPARK_WIDTH = 100
SPARK_HEIGHT = 24


@dataclass(frozen=True)
class Sparkline:
    path: str
    last_x: float
    last_y: float
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT


def sparkline(values: Sequence[Decimal]) -> Sparkline | None:
    """A small line of the latest values (oldest first); None without values."""
    if not values:
        return None
    numbers = [float(value) for value in values]
    low, high = min(numbers), max(numbers)
    if high == low:
        low, high = low - 1, high + 1
    pad = 2

    def x_of(index: int) -> float:
        if len(numbers) == 1:
            return SPARK_WIDTH / 2
        return pad + index * (SPARK_WIDTH - 2 * pad) / (len(numbers) - 1)

    def y_of(number: float) -> float:
        return SPARK_HEIGHT - pad - (number - low) / (high - low) * (SPARK_HEIGHT - 2 * pad)

    coords = [(x_of(i), y_of(number)) for i, number in enumerate(numbers)]
    return Sparkline(
        path=" ".join(f"{x:.1f},{y:.1f}" for x, y in coords),
        last_x=round(coords[-1][0], 1),
        last_y=round(coords[-1][1], 1),
    )
