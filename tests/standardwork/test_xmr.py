"""XmR (process-behaviour) chart arithmetic and geometry: pure functions, no database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from standardwork import xmr

D = Decimal
EXAMPLE = [D(v) for v in (10, 12, 11, 14, 13, 12, 15, 11)]


def days(count: int, start: date = date(2026, 3, 2)) -> list[date]:
    return [start + timedelta(days=n) for n in range(count)]


def test_limits_match_the_hand_worked_example():
    """Values 10, 12, 11, 14, 13, 12, 15, 11 (n = 8, all in the baseline).

    X̄    = (10+12+11+14+13+12+15+11) / 8 = 98 / 8 = 12.25
    mR   = |12-10|, |11-12|, |14-11|, |13-14|, |12-13|, |15-12|, |11-15|
         = 2, 1, 3, 1, 1, 3, 4                      (7 ranges, sum 15)
    mR̄   = 15 / 7 = 2.142857...
    UNPL = 12.25 + 2.66 · 15/7 = 12.25 + 39.9/7 = 12.25 + 5.7 = 17.95
    LNPL = 12.25 - 5.7 = 6.55
    URL  = 3.268 · 15/7 = 49.02 / 7 = 7.002857... ≈ 7.003
    """
    limits = xmr.natural_limits(EXAMPLE)

    assert xmr.moving_ranges(EXAMPLE) == [D(2), D(1), D(3), D(1), D(1), D(3), D(4)]
    assert limits.mean == D("12.25")
    assert round(limits.mean_range, 3) == D("2.143")
    assert round(limits.upper, 2) == D("17.95")
    assert round(limits.lower, 2) == D("6.55")
    assert round(limits.range_upper, 3) == D("7.003")
    assert limits.baseline_size == 8


def test_fewer_than_six_values_have_no_natural_limits():
    assert xmr.natural_limits(EXAMPLE[:5]) is None
    assert xmr.natural_limits([]) is None
    assert xmr.natural_limits(EXAMPLE[:6]) is not None


def test_limits_come_from_the_first_twenty_values_only():
    baseline = [D(10), D(12)] * 10  # mean 11, every moving range 2
    later = [D(100), D(0), D(250)]

    limits = xmr.natural_limits(baseline + later)

    assert (limits.mean, limits.mean_range, limits.baseline_size) == (D(11), D(2), 20)
    assert (limits.upper, limits.lower) == (D("16.32"), D("5.68"))


def test_the_lower_natural_limit_is_not_floored_at_zero():
    limits = xmr.natural_limits([D(v) for v in (1, 5, 0, 6, 1, 4)])

    # X̄ = 17/6 = 2.833; mR̄ = (4+5+6+5+3)/5 = 4.6; LNPL = 2.833 - 12.236 = -9.403
    assert round(limits.lower, 3) == D("-9.403")


def test_a_value_beyond_a_natural_limit_says_which_and_where():
    limits = xmr.natural_limits(EXAMPLE)

    assert xmr.signals(D(18), limits=limits) == ["Above the upper natural process limit 17.95"]
    assert xmr.signals(D(6), limits=limits) == ["Below the lower natural process limit 6.55"]
    assert xmr.signals(D("17.95"), limits=limits) == []
    assert xmr.signals(D(12), limits=limits) == []


def test_a_value_beyond_a_set_limit_is_flagged_even_without_natural_limits():
    assert xmr.signals(D(41), limits=None, upper_limit=D(40)) == ["Above the upper limit 40"]
    assert xmr.signals(D("9.5"), limits=None, lower_limit=D(10)) == ["Below the lower limit 10"]
    assert xmr.signals(D(40), limits=None, lower_limit=D(10), upper_limit=D(40)) == []


def test_a_value_beyond_both_limits_gives_both_signals():
    limits = xmr.natural_limits(EXAMPLE)

    assert xmr.signals(D(20), limits=limits, upper_limit=D("18.5")) == [
        "Above the upper natural process limit 17.95",
        "Above the upper limit 18.5",
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [(D("41.200"), "41.2"), (D("40.000"), "40"), (D("-3.755"), "-3.76"), (D("0.004"), "0"),
     (D("1E+2"), "100"), (None, "")],
)  # fmt: skip
def test_numbers_show_at_most_two_decimals(value, text):
    assert xmr.format_number(value) == text


def test_the_chart_flags_points_and_draws_every_line():
    series = list(zip(days(9), [*EXAMPLE, D(19)], strict=True))

    chart = xmr.chart(
        series,
        limits=xmr.natural_limits(EXAMPLE),
        target=D(14),
        lower_limit=D(8),
        upper_limit=D(18),
    )

    assert len(chart.points) == 9
    assert [(p.day, p.signal) for p in chart.flagged] == [
        (date(2026, 3, 10), "Above the upper natural process limit 17.95; Above the upper limit 18")
    ]
    assert [(line.kind, line.label) for line in chart.x_panel.lines] == [
        ("natural", "UNPL"), ("centre", "X̄"), ("natural", "LNPL"), ("target", "Target"),
        ("set", "Upper"), ("set", "Lower"),
    ]  # fmt: skip
    assert [r.value for r in chart.ranges] == [D(2), D(1), D(3), D(1), D(1), D(3), D(4), D(8)]
    assert [r.flagged for r in chart.ranges][-1] is True  # 8 > URL 7.003


def test_chart_geometry_stays_inside_the_plot_and_higher_values_are_higher():
    chart = xmr.chart(list(zip(days(8), EXAMPLE, strict=True)), limits=None)
    panel = chart.x_panel

    for point in chart.points:
        assert panel.left <= point.x <= panel.right
        assert panel.top <= point.y <= panel.bottom
    by_value = sorted(chart.points, key=lambda p: p.value)
    assert by_value[0].y > by_value[-1].y  # SVG y grows downwards
    assert [p.x for p in chart.points] == sorted(p.x for p in chart.points)
    assert len(panel.path.split()) == 8


def test_date_labels_are_sparse_and_include_both_ends():
    chart = xmr.chart(list(zip(days(30), [D(n % 7) for n in range(30)], strict=True)), limits=None)

    labels = [label.day for label in chart.x_panel.dates]
    assert len(labels) == 5
    assert labels[0] == date(2026, 3, 2)
    assert labels[-1] == date(2026, 3, 31)


def test_without_natural_limits_the_chart_says_how_many_values_are_missing():
    chart = xmr.chart(list(zip(days(4), EXAMPLE[:4], strict=True)), limits=None, target=D(12))

    assert chart.limits is None
    assert chart.values_needed == 2
    assert [line.kind for line in chart.x_panel.lines] == ["target"]
    assert chart.mr_panel.lines == []


def test_the_first_point_shown_gets_its_moving_range_from_the_value_before_the_window():
    series = list(zip(days(3), [D(10), D(12), D(11)], strict=True))

    assert [r.value for r in xmr.chart(series, limits=None).ranges] == [D(2), D(1)]
    assert [r.value for r in xmr.chart(series, limits=None, previous=D(15)).ranges] == [
        D(5), D(2), D(1),
    ]  # fmt: skip


def test_one_value_draws_one_point_and_no_moving_range():
    chart = xmr.chart([(date(2026, 3, 2), D(7))], limits=None)

    assert len(chart.points) == 1
    assert chart.mr_panel is None


def test_no_values_no_chart():
    chart = xmr.chart([], limits=None)

    assert (chart.points, chart.x_panel, chart.mr_panel) == ([], None, None)


def test_sparkline_runs_left_to_right_across_its_box():
    line = xmr.sparkline([D(1), D(3), D(2)])

    coords = [tuple(map(float, pair.split(","))) for pair in line.path.split()]
    assert coords[0][0] < coords[1][0] < coords[2][0]
    assert coords[1][1] < coords[2][1] < coords[0][1]
    assert (line.last_x, line.last_y) == coords[-1]
    assert xmr.sparkline([]) is None
