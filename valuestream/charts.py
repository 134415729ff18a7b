"""Server-rendered SVG trend charts for the dashboard: percentages by week.

Pure geometry from plain values (the agenda's weekly series): the template
draws the lines, so a chart needs no script and prints as it shows.
"""

from dataclasses import dataclass
from datetime import date

WIDTH = 340
HEIGHT = 150
LEFT, RIGHT, TOP, BOTTOM = 30, 12, 10, 24
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
