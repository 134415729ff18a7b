"""Server-rendered SVG trend charts for the dashboard: percentages by week.

Pure geometry from plain values (the agenda's weekly series), written out as SVG
markup here (`TrendChart.html`): a chart needs no script and prints as it shows, and
three charts a page cost a few string joins rather than a template loop per element.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 340
HEIGHT = 150
LEFT, RIGHT, TOP, BOTTOM = 38, 12, 10, 24  # room for "100%" left of the axis on a phone
# Line styles cycle for series beyond this many (the legend names each).
STYLES = 6


@dataclass(frozen=True)
class Line:
    label: str
    style: int
    points: str  # "x,y x,y" of the weeks with a value; a gap breaks the line into segments
    segments: tuple[str, ...]
    last_x: float | None
    last_y: float | None
    last_value: int | None


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class WeekLabel:
    x: float
    label: str


@dataclass(frozen=True)
class TrendChart:
    title: str
    lines: tuple[Line, ...]
    ticks: tuple[Tick, ...]
    weeks: tuple[WeekLabel, ...]
    target_y: float | None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def empty(self) -> bool:
        return all(line.last_value is None for line in self.lines)

    def html(self) -> SafeString:
        """The chart as a <figure>: the SVG (gridlines, lines, each line's last point,
        week labels) and a legend naming each line with its last value."""
        title = escape(self.title)
        parts = [
            '<figure class="vs-chart">',
            f'<svg class="vs-chart-svg" viewBox="0 0 {self.width} {self.height}" role="img" '
            f'aria-label="{title}, by week" preserveAspectRatio="xMidYMid meet">',
        ]
        for tick in self.ticks:
            parts.append(
                f'<line class="xmr-grid" x1="{self.left}" x2="{self.right}" y1="{tick.y:.1f}" '
                f'y2="{tick.y:.1f}"/><text class="xmr-tick" x="{self.left - 4}" '
                f'y="{tick.y:.1f}" dy="3.5" text-anchor="end">{escape(tick.label)}</text>'
            )
        for line in self.lines:
            for segment in line.segments:
                parts.append(f'<polyline class="vs-line vs-line-{line.style}" points="{segment}"/>')
            if line.last_x is not None:
                parts.append(
                    f'<circle class="vs-dot vs-line-{line.style}" cx="{line.last_x:.1f}" '
                    f'cy="{line.last_y:.1f}" r="3"><title>{escape(line.label)}: '
                    f"{line.last_value}%</title></circle>"
                )
        count = len(self.weeks)
        for index, week in enumerate(self.weeks):
            first, last = index == 0, index == count - 1
            anchor = "start" if first and not last else "end" if last and not first else "middle"
            parts.append(
                f'<text class="xmr-date" x="{week.x:.1f}" y="{self.height - 6}" '
                f'text-anchor="{anchor}">{escape(week.label)}</text>'
            )
        parts.append('</svg><figcaption class="vs-legend">')
        for line in self.lines:
            value = f" {line.last_value}%" if line.last_value is not None else ""
            parts.append(
                f'<span><span class="vs-key vs-line-{line.style}" aria-hidden="true"></span>'
                f"{escape(line.label)}{value}</span>"
            )
        if not self.lines:
            parts.append('<span class="muted">No data in these weeks.</span>')
        parts.append("</figcaption></figure>")
        return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _x(index: int, count: int) -> float:
    if count == 1:
        return (LEFT + WIDTH - RIGHT) / 2
    return LEFT + index * (WIDTH - RIGHT - LEFT) / (count - 1)


def _y(percent: float) -> float:
    return TOP + (100 - min(max(percent, 0), 100)) * (HEIGHT - BOTTOM - TOP) / 100


def trend_chart(
    *,
    title: str,
    weeks: list[str],
    series: list[tuple[str, list[int | None]]],
    target: int | None = None,
) -> TrendChart:
    """One line per (label, weekly percentages) over `weeks` (ISO Mondays); None is a gap."""
    count = len(weeks)
    lines = []
    for index, (label, values) in enumerate(series):
        segments, current, last = [], [], None
        for week, value in enumerate(values):
            if value is None:
                if current:
                    segments.append(" ".join(current))
                current = []
                continue
            x, y = _x(week, count), _y(value)
            current.append(f"{x:.1f},{y:.1f}")
            last = (x, y, value)
        if current:
            segments.append(" ".join(current))
        lines.append(
            Line(
                label=label,
                style=index % STYLES,
                points=" ".join(segments),
                segments=tuple(segments),
                last_x=round(last[0], 1) if last else None,
                last_y=round(last[1], 1) if last else None,
                last_value=last[2] if last else None,
            )
        )
    shown = [0, count // 2, count - 1] if count > 2 else list(range(count))
    return TrendChart(
        title=title,
        lines=tuple(lines),
        ticks=tuple(Tick(_y(percent), f"{percent}%") for percent in (0, 50, 100)),
        weeks=tuple(
            WeekLabel(_x(index, count), f"{date.fromisoformat(weeks[index]):%-d %b}")
            for index in shown
        ),
        target_y=_y(target) if target is not None else None,
    )
