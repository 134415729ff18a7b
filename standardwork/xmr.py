"""Process-behaviour (XmR) charts: what is a signal, and the drawing, without Django models.

Wheeler's XmR chart plots the individual values X and their moving ranges
mR_i = |x_i - x_(i-1)|. Natural process limits come from a baseline, the
first up to BASELINE_SIZE values, once there are at least MIN_VALUES:

    X̄    = mean of the baseline values                  (centre line)
    mR̄   = mean of the baseline's moving ranges
    UNPL = X̄ + 2.66 · mR̄                                (upper natural process limit)
    LNPL = X̄ - 2.66 · mR̄                                (lower; left unfloored)
    URL  = 3.268 · mR̄                                   (upper range limit, mR chart)
    σ    = mR̄ / 1.128                                   (sigma, for the zone rules)

`judge` is the one place that decides what is a signal; the services store
its answer on each measurement (the lists, the stand-up agenda and the
notices read that) and the chart draws it. Wheeler's four detection rules:

1. a value beyond a natural process limit;
2. two of three successive values beyond two sigma, on the same side;
3. four of five successive values beyond one sigma, on the same side;
4. eight successive values on the same side of the centre line.

A rule fires on the value that completes its pattern, which is itself beyond
the zone (rules 2 and 3) or on the side (rule 4); at the start of a baseline
the window is the values there are (two values in a row beyond two sigma
fire rule 2). "Beyond" is strict: a value on a line is not beyond it. A value
outside the limits set on the control point is flagged too ("set limit").

Where the process changed (a cycle adopted, or the TC recorded a process
change) a new baseline starts: the values from that date get their own
limits from their own first values, and the runs of rules 2-4 do not reach
across the break. Prefer these limits, computed from the data, over
red/green against a target (DOMAIN.md).

The arithmetic is in Decimal, so a hand-worked example comes out exactly;
the geometry (SVG user units) is in float.
"""

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from math import floor, log10

MIN_VALUES = 6
BASELINE_SIZE = 20
NATURAL_LIMIT_FACTOR = Decimal("2.66")
RANGE_LIMIT_FACTOR = Decimal("3.268")
SIGMA_DIVISOR = Decimal("1.128")  # d2 for moving ranges of two values
RUN_LENGTH = 8
# The most values before a point that any rule looks at: a chart of a window
# reads this many more, so its first point is judged as in the whole series.
LOOKBACK = RUN_LENGTH - 1

SET_LIMIT = "set"
RULES = {
    "1": "A value beyond a natural process limit",
    "2": "Two of three successive values beyond two sigma on the same side",
    "3": "Four of five successive values beyond one sigma on the same side",
    "4": "Eight successive values on the same side of the centre line",
    SET_LIMIT: "A value outside the limits set on the control point",
}

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

    @property
    def sigma(self) -> Decimal:
        return self.mean_range / SIGMA_DIVISOR


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


def format_day(day: date, today: date, *, weekday: bool = False) -> str:
    """ "20 Mar" in the current year, "20 Mar 2025" in another ("Fri 20 Mar" with weekday)."""
    text = f"{day.day} {day:%b}"
    if weekday:
        text = f"{day:%a} {text}"
    return text if day.year == today.year else f"{text} {day.year}"


@dataclass(frozen=True)
class Signal:
    """Why a value is flagged: the rule that fired ("1" to "4", or SET_LIMIT) in words."""

    rule: str
    text: str


@dataclass(frozen=True)
class Break:
    """Where a new baseline starts, and why (the process changed)."""

    starts_on: date
    reason: str = ""


@dataclass(frozen=True)
class Segment:
    """One baseline: the values from `starts_on` (None: from the first) to the next break."""

    starts_on: date | None
    reason: str
    limits: Limits | None
    count: int  # values of this baseline in the series judged


@dataclass(frozen=True)
class Judged:
    day: date
    value: Decimal
    segment: int
    moving_range: Decimal | None  # None for the first value of a baseline
    signals: tuple[Signal, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.signals)

    @property
    def signal(self) -> str:
        return "; ".join(signal.text for signal in self.signals)

    @property
    def rules(self) -> str:
        return ", ".join(signal.rule for signal in self.signals)


@dataclass(frozen=True)
class Judgement:
    points: list[Judged]
    segments: list[Segment]
    lower_limit: Decimal | None = None
    upper_limit: Decimal | None = None


def _side(value: Decimal, limits: Limits, sigmas: int) -> int:
    """+1 beyond `sigmas` sigma above the centre line, -1 beyond it below, else 0."""
    spread = sigmas * limits.sigma
    if value > limits.mean + spread:
        return 1
    if value < limits.mean - spread:
        return -1
    return 0


def _natural_signals(values: list[Decimal], at: int, limits: Limits | None) -> list[Signal]:
    """Rules 1-4 for values[at], against its baseline's limits and the values before it."""
    if limits is None:
        return []
    value = values[at]
    found = []
    if value > limits.upper or value < limits.lower:
        where, line = ("above the upper", limits.upper)
        if value < limits.lower:
            where, line = ("below the lower", limits.lower)
        found.append(Signal("1", f"Rule 1: {where} natural process limit {format_number(line)}"))
    for rule, sigmas, window, needed in (("2", 2, 3, 2), ("3", 1, 5, 4)):
        side = _side(value, limits, sigmas)
        if not side:
            continue
        recent = values[max(0, at - window + 1) : at + 1]
        if sum(1 for other in recent if _side(other, limits, sigmas) == side) >= needed:
            where = "above" if side > 0 else "below"
            line = limits.mean + side * sigmas * limits.sigma
            found.append(
                Signal(
                    rule,
                    f"Rule {rule}: {needed} of {window} values {where} {sigmas} sigma "
                    f"({format_number(line)})",
                )
            )
    if at >= RUN_LENGTH - 1:
        run = values[at - RUN_LENGTH + 1 : at + 1]
        for side, where in ((1, "above"), (-1, "below")):
            if all((other - limits.mean) * side > 0 for other in run):
                found.append(
                    Signal(
                        "4",
                        f"Rule 4: {RUN_LENGTH} values in a row {where} the centre line "
                        f"{format_number(limits.mean)}",
                    )
                )
    return found


def _set_signals(
    value: Decimal, lower_limit: Decimal | None, upper_limit: Decimal | None
) -> list[Signal]:
    if upper_limit is not None and value > upper_limit:
        return [Signal(SET_LIMIT, f"Above the set upper limit {format_number(upper_limit)}")]
    if lower_limit is not None and value < lower_limit:
        return [Signal(SET_LIMIT, f"Below the set lower limit {format_number(lower_limit)}")]
    return []


def judge(
    series: Sequence[tuple[date, Decimal]],
    *,
    breaks: Sequence[Break] = (),
    baselines: Mapping[int, Sequence[Decimal]] | None = None,
    lower_limit: Decimal | None = None,
    upper_limit: Decimal | None = None,
    context: int = 0,
) -> Judgement:
    """Every value of `series` (oldest first) with the signals it gives: the one rule book.

    `breaks` start new baselines. A baseline's limits come from its first
    values in `series`, or from `baselines[index]` when `series` is a window
    that starts after the baseline began. The first `context` values are
    judged with but not returned: a window passes LOOKBACK values before it,
    so that its first points see the runs they end.
    """
    breaks = sorted(breaks, key=lambda mark: mark.starts_on)
    starts = [mark.starts_on for mark in breaks]
    positions: list[list[int]] = [[] for _ in range(len(breaks) + 1)]
    for index, (day, _) in enumerate(series):
        positions[bisect_right(starts, day)].append(index)
    segments = []
    judged: list[Judged | None] = [None] * len(series)
    for number, indexes in enumerate(positions):
        values = [Decimal(series[i][1]) for i in indexes]
        own = baselines.get(number) if baselines is not None else None
        limits = natural_limits(own if own is not None else values)
        segments.append(
            Segment(
                starts_on=starts[number - 1] if number else None,
                reason=breaks[number - 1].reason if number else "",
                limits=limits,
                count=len(values),
            )
        )
        for at, index in enumerate(indexes):
            judged[index] = Judged(
                day=series[index][0],
                value=values[at],
                segment=number,
                moving_range=abs(values[at] - values[at - 1]) if at else None,
                signals=tuple(
                    _natural_signals(values, at, limits)
                    + _set_signals(values[at], lower_limit, upper_limit)
                ),
            )
    return Judgement(
        points=[point for point in judged[context:] if point is not None],
        segments=segments,
        lower_limit=lower_limit,
        upper_limit=upper_limit,
    )


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
    """A horizontal line: centre line, a limit or the target, from x1 to x2.

    The lines of the latest baseline and the target are named in the right
    margin; an earlier baseline's lines stop at its break, unnamed.
    """

    kind: str  # "centre", "natural", "target", "set", "range"
    label: str
    value: Decimal
    y: float
    x1: float = 0.0
    x2: float = 0.0
    label_y: float = 0.0
    named: bool = True

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
    label: str = ""


@dataclass(frozen=True)
class BreakMark:
    """A new baseline, drawn as a vertical line before its first value."""

    day: date
    reason: str
    x: float


@dataclass(frozen=True)
class Point:
    day: date
    value: Decimal
    x: float
    y: float
    signals: tuple[Signal, ...]
    moving_range: Decimal | None = None
    segment: int = 0

    @property
    def flagged(self) -> bool:
        return bool(self.signals)

    @property
    def label(self) -> str:
        return format_number(self.value)

    @property
    def signal(self) -> str:
        return "; ".join(signal.text for signal in self.signals)

    @property
    def rules(self) -> str:
        """The rules that fired, as the chart marks them: "1", "2, 4", "set"."""
        return ", ".join(signal.rule for signal in self.signals)

    @property
    def range_label(self) -> str | None:
        return None if self.moving_range is None else format_number(self.moving_range)


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
    """One plot: its size, the polyline through its points, lines, ticks, dates and breaks."""

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
    breaks: list[BreakMark] = field(default_factory=list)


@dataclass(frozen=True)
class ShownSegment:
    """A baseline with values on the chart: its limits and how many of its values are shown."""

    starts_on: date | None
    reason: str
    limits: Limits | None
    shown: int

    @property
    def values_needed(self) -> int:
        return max(0, MIN_VALUES - self.shown) if self.limits is None else 0


@dataclass(frozen=True)
class Chart:
    points: list[Point]
    ranges: list[RangePoint]
    limits: Limits | None  # the latest baseline's
    x_panel: Panel | None
    mr_panel: Panel | None
    target: Decimal | None = None
    lower_limit: Decimal | None = None
    upper_limit: Decimal | None = None
    lines: list[Line] = field(default_factory=list)
    segments: list[ShownSegment] = field(default_factory=list)

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
        """How many more values before the latest baseline's natural limits can be computed."""
        return self.segments[-1].values_needed if self.segments else MIN_VALUES

    @property
    def rules_fired(self) -> list[tuple[str, str]]:
        """The rules that fired on the points shown, with their meaning, for the legend."""
        fired = {signal.rule for point in self.points for signal in point.signals}
        return [(rule, text) for rule, text in RULES.items() if rule in fired]


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


def _date_labels(days: list[date], xs: list[float], today: date | None) -> list[DateLabel]:
    if not days:
        return []
    if len(days) <= DATE_LABELS:
        indexes = list(range(len(days)))
    else:
        step = (len(days) - 1) / (DATE_LABELS - 1)
        indexes = sorted({round(step * n) for n in range(DATE_LABELS)})
    # Every label shows its year when any day drawn is in another year than today.
    year = today.year if today is not None else days[-1].year
    other_year = any(day.year != year for day in days)
    return [
        DateLabel(
            day=days[i],
            x=xs[i],
            label=f"{days[i].day} {days[i]:%b}" + (f" {days[i]:%y}" if other_year else ""),
        )
        for i in indexes
    ]


def _spread_labels(lines: list[Line], *, top: float, bottom: float) -> list[Line]:
    """Each named line with a label position beside it, at least LABEL_GAP from the next.

    Lines close together (a target near the mean) would print their names on
    top of each other; the names move apart, in the same order as the lines.
    """
    named = [i for i, line in enumerate(lines) if line.named]
    if not named:
        return lines
    order = sorted(named, key=lambda i: lines[i].y)
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
            x1=line.x1,
            x2=line.x2,
            label_y=round(max(label_y[i], top + 4), 1) if i in label_y else 0.0,
            named=line.named,
        )
        for i, line in enumerate(lines)
    ]


@dataclass(frozen=True)
class _LineSpec:
    kind: str
    label: str
    value: Decimal
    first: int | None = None  # index of the first point it spans; None: from the left edge
    last: int | None = None  # index of the last point it spans; None: to the right edge
    named: bool = True


def _panel(
    *,
    height: int,
    count: int,
    indexes: list[int],
    days: list[date],
    values: list[Decimal],
    lines: list[_LineSpec],
    break_at: list[tuple[int, date, str]] = (),
    floor_at_zero: bool = False,
    today: date | None = None,
) -> tuple[Panel, list[tuple[float, float]]]:
    """A plot of `values` at point positions `indexes` out of `count` across the width."""
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, height - MARGIN_BOTTOM
    numbers = [float(v) for v in values] + [float(line.value) for line in lines]
    low, high = _scale(numbers, floor_at_zero=floor_at_zero)

    def y_of(value: float) -> float:
        return round(bottom - (value - low) / (high - low) * (bottom - top), 1)

    def x_of(index: int) -> float:
        if count <= 1:
            return round((left + right) / 2, 1)
        return round(left + 6 + index * (right - left - 12) / (count - 1), 1)

    def between(index: int) -> float:
        """Halfway between point `index - 1` and point `index`."""
        return round((x_of(index - 1) + x_of(index)) / 2, 1)

    coords = [(x_of(i), y_of(float(v))) for i, v in zip(indexes, values, strict=True)]
    step = _nice_step(high - low, 4)
    tick = step * (low // step + 1)
    ticks = []
    while tick < high:
        ticks.append(Tick(label=format_number(Decimal(str(round(tick, 6)))), y=y_of(tick)))
        tick += step
    drawn = [
        Line(
            kind=line.kind,
            label=line.label,
            value=line.value,
            y=y_of(float(line.value)),
            x1=left if not line.first else between(line.first),
            x2=right if line.last is None or line.last >= count - 1 else between(line.last + 1),
            named=line.named,
        )
        for line in lines
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    return (
        Panel(
            width=WIDTH,
            height=height,
            left=left,
            right=right,
            top=top,
            bottom=bottom,
            path=path,
            lines=_spread_labels(drawn, top=top, bottom=bottom),
            ticks=ticks,
            dates=_date_labels(days, [x for x, _ in coords], today),
            breaks=[BreakMark(day=day, reason=reason, x=between(i)) for i, day, reason in break_at],
        ),
        coords,
    )


def chart(
    judgement: Judgement, *, target: Decimal | None = None, today: date | None = None
) -> Chart:
    """The X chart and the mR chart of a judged window (oldest first).

    Each baseline shown draws its own centre line and limits over its own
    values, so the old limits stay beside the earlier values; a break marks
    where the next begins. The lines of the latest baseline, the target and
    the set limits are named in the margin.
    """
    judged = judgement.points
    lower_limit, upper_limit = judgement.lower_limit, judgement.upper_limit
    if not judged:
        return Chart(
            points=[], ranges=[], limits=None, x_panel=None, mr_panel=None,
            target=target, lower_limit=lower_limit, upper_limit=upper_limit,
        )  # fmt: skip
    count = len(judged)
    # The baselines shown, each with the first and last index of its points.
    spans: list[tuple[int, int, int]] = []  # (segment, first, last)
    for index, point in enumerate(judged):
        if spans and spans[-1][0] == point.segment:
            spans[-1] = (point.segment, spans[-1][1], index)
        else:
            spans.append((point.segment, index, index))
    latest = spans[-1][0]
    x_lines: list[_LineSpec] = []
    mr_lines: list[_LineSpec] = []
    for number, first, last in spans:
        limits = judgement.segments[number].limits
        if limits is None:
            continue
        named = number == latest
        bounds = {"first": first, "last": last, "named": named}
        x_lines += [
            _LineSpec("natural", "UNPL", limits.upper, **bounds),
            _LineSpec("centre", "X̄", limits.mean, **bounds),
            _LineSpec("natural", "LNPL", limits.lower, **bounds),
        ]
        mr_lines += [
            _LineSpec("range", "URL", limits.range_upper, **bounds),
            _LineSpec("centre", "mR̄", limits.mean_range, **bounds),
        ]
    if target is not None:
        x_lines.append(_LineSpec("target", "Target", target))
    if upper_limit is not None:
        x_lines.append(_LineSpec("set", "Upper", upper_limit))
    if lower_limit is not None:
        x_lines.append(_LineSpec("set", "Lower", lower_limit))
    breaks = [
        (first, judgement.segments[number].starts_on, judgement.segments[number].reason)
        for number, first, _ in spans[1:]
    ]
    days = [point.day for point in judged]
    x_panel, coords = _panel(
        height=X_HEIGHT,
        count=count,
        indexes=list(range(count)),
        days=days,
        values=[point.value for point in judged],
        lines=x_lines,
        break_at=breaks,
        today=today,
    )
    points = [
        Point(
            day=point.day,
            value=point.value,
            x=x,
            y=y,
            signals=point.signals,
            moving_range=point.moving_range,
            segment=point.segment,
        )
        for point, (x, y) in zip(judged, coords, strict=True)
    ]
    with_range = [i for i, point in enumerate(judged) if point.moving_range is not None]
    ranges: list[RangePoint] = []
    mr_panel = None
    if with_range:
        range_values = [judged[i].moving_range for i in with_range]
        mr_panel, range_coords = _panel(
            height=MR_HEIGHT,
            count=count,
            indexes=with_range,
            days=[days[i] for i in with_range],
            values=range_values,
            lines=mr_lines,
            break_at=breaks,
            floor_at_zero=True,
            today=today,
        )
        ranges = []
        for i, value, (x, y) in zip(with_range, range_values, range_coords, strict=True):
            limits = judgement.segments[judged[i].segment].limits
            flagged = limits is not None and value > limits.range_upper
            ranges.append(RangePoint(day=days[i], value=value, x=x, y=y, flagged=flagged))
    shown = [
        ShownSegment(
            starts_on=judgement.segments[number].starts_on,
            reason=judgement.segments[number].reason,
            limits=judgement.segments[number].limits,
            shown=last - first + 1,
        )
        for number, first, last in spans
    ]
    return Chart(
        points=points,
        ranges=ranges,
        limits=judgement.segments[latest].limits,
        x_panel=x_panel,
        mr_panel=mr_panel,
        target=target,
        lower_limit=lower_limit,
        upper_limit=upper_limit,
        lines=x_panel.lines,
        segments=shown,
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
