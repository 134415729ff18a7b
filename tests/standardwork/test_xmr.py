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


def judged(values, *, base=None, **options) -> list[list[str]]:
    """The rules that fire on each of `values`, after a baseline (default BASE)."""
    series = [D(v) for v in (BASE if base is None else base)] + [D(str(v)) for v in values]
    judgement = xmr.judge(list(zip(days(len(series)), series, strict=True)), **options)
    return [[s.rule for s in point.signals] for point in judgement.points[-len(values) :]]


# BASE: 12, 10, 12, 10, ... (20 values, ending below the centre line).
# X̄ = 11, mR̄ = 2, σ = 2 / 1.128 = 1.77305
# UNPL = 11 + 2.66·2 = 16.32, LNPL = 5.68
# two sigma: 11 ± 3.54610 = 14.54610 / 7.45390; one sigma: 12.77305 / 9.22695
BASE = [D(12), D(10)] * 10


def test_sigma_is_the_mean_moving_range_over_1_128():
    limits = xmr.natural_limits(BASE)

    assert (limits.mean, limits.mean_range, limits.upper, limits.lower) == (
        D(11), D(2), D("16.32"), D("5.68"),
    )  # fmt: skip
    assert round(limits.sigma, 5) == D("1.77305")


def test_the_baseline_alone_gives_no_signal():
    judgement = xmr.judge(list(zip(days(20), BASE, strict=True)))

    assert [point.flagged for point in judgement.points] == [False] * 20


def test_rule_1_a_value_beyond_a_natural_limit_says_which_and_where():
    judgement = xmr.judge(list(zip(days(22), [*BASE, D("16.33"), D("5.67")], strict=True)))

    assert [s.text for s in judgement.points[-2].signals] == [
        "Rule 1: above the upper natural process limit 16.32"
    ]
    assert [s.text for s in judgement.points[-1].signals] == [
        "Rule 1: below the lower natural process limit 5.68"
    ]


def test_rule_1_a_value_on_the_limit_is_not_beyond_it():
    assert judged(["16.32"]) == [[]]
    assert judged(["5.68"]) == [[]]


def test_rule_2_fires_on_the_second_of_three_values_beyond_two_sigma():
    judgement = xmr.judge(list(zip(days(23), [*BASE, D("14.55"), D(11), D("14.55")], strict=True)))

    assert [[s.rule for s in p.signals] for p in judgement.points[-3:]] == [[], [], ["2"]]
    assert judgement.points[-1].signal == "Rule 2: 2 of 3 values above 2 sigma (14.55)"


def test_rule_2_two_in_a_row_fire_and_the_value_after_them_does_not():
    assert judged(["14.55", "14.55", 11]) == [[], ["2"], []]


def test_rule_2_needs_values_beyond_two_sigma_not_on_it():
    # 14.54 is inside two sigma (14.5461): one value of three beyond.
    assert judged(["14.54", 11, "14.55"]) == [[], [], []]


def test_rule_2_needs_both_values_on_the_same_side():
    assert judged(["14.55", 11, "7.45"]) == [[], [], []]


def test_rule_2_below_says_below():
    judgement = xmr.judge(list(zip(days(22), [*BASE, D("7.45"), D("7.45")], strict=True)))

    assert judgement.points[-1].signal == "Rule 2: 2 of 3 values below 2 sigma (7.45)"


def test_rule_3_fires_on_the_fourth_of_five_values_beyond_one_sigma():
    assert judged(["12.78", "12.78", 11, "12.78", "12.78"]) == [[], [], [], [], ["3"]]
    judgement = xmr.judge(
        list(zip(days(25), [*BASE, *[D(v) for v in ("12.78", "12.78", 11, "12.78", "12.78")]],
                 strict=True))
    )  # fmt: skip
    assert judgement.points[-1].signal == "Rule 3: 4 of 5 values above 1 sigma (12.77)"


def test_rule_3_three_of_five_do_not_fire():
    # 12.77 is inside one sigma (12.77305).
    assert judged(["12.77", "12.78", 11, "12.78", "12.78"]) == [[]] * 5


def test_rule_4_fires_on_the_eighth_value_in_a_row_on_one_side():
    assert judged(["11.5"] * 9) == [[]] * 7 + [["4"], ["4"]]
    judgement = xmr.judge(list(zip(days(28), [*BASE, *[D("10.5")] * 8], strict=True)))
    assert judgement.points[-1].signal == "Rule 4: 8 values in a row below the centre line 11"


def test_rule_4_seven_in_a_row_do_not_fire_and_a_value_on_the_centre_line_breaks_the_run():
    assert judged(["11.5"] * 7) == [[]] * 7
    assert judged(["11.5"] * 3 + [11] + ["11.5"] * 4) == [[]] * 8


def test_several_rules_fire_together_and_the_set_limits_come_last():
    # 17, 17: rule 1 twice, rule 2 on the second; the set upper limit 15 on both.
    assert judged([17, 17], upper_limit=D(15)) == [["1", "set"], ["1", "2", "set"]]


def test_a_value_beyond_a_set_limit_is_flagged_even_without_natural_limits():
    series = list(zip(days(3), [D(41), D("9.5"), D(40)], strict=True))

    judgement = xmr.judge(series, lower_limit=D(10), upper_limit=D(40))

    assert [p.signal for p in judgement.points] == [
        "Above the set upper limit 40", "Below the set lower limit 10", "",
    ]  # fmt: skip


def test_fewer_than_six_values_give_no_natural_signal():
    series = list(zip(days(5), [D(10), D(12), D(11), D(14), D(90)], strict=True))

    assert [p.flagged for p in xmr.judge(series).points] == [False] * 5


def test_a_new_baseline_gets_its_own_limits_and_the_old_values_keep_theirs():
    # 20 values around 11, then the process changed: 8 values around 21.
    series = list(zip(days(28), [*BASE, *[D(20), D(22)] * 4], strict=True))
    change = xmr.Break(starts_on=days(28)[20], reason="Calls moved to the morning")

    without = xmr.judge(series)
    judgement = xmr.judge(series, breaks=[change])

    # Judged against the old limits, every new value is a signal (rules 1, 2, 3, 4).
    assert all(point.flagged for point in without.points[20:])
    assert [point.flagged for point in judgement.points] == [False] * 28
    old, new = judgement.segments
    assert (old.starts_on, old.limits.mean, old.limits.upper) == (None, D(11), D("16.32"))
    assert (new.starts_on, new.reason, new.limits.mean, new.limits.upper) == (
        date(2026, 3, 22), "Calls moved to the morning", D(21), D("26.32"),
    )  # fmt: skip
    # The first value after the break has no moving range: ranges stay inside a baseline.
    assert (judgement.points[19].moving_range, judgement.points[20].moving_range) == (D(2), None)


def test_runs_do_not_reach_across_a_baseline_break():
    # Seven values above the old centre line, then a break, then one more above.
    values = [*BASE, *[D("11.5")] * 7, D(12), D(10), D(12), D(10), D(12), D(10)]
    series = list(zip(days(len(values)), values, strict=True))

    judgement = xmr.judge(series, breaks=[xmr.Break(starts_on=days(len(values))[27])])

    assert xmr.judge(series).points[27].rules == "4"  # without the break, a run of eight
    assert not any(point.flagged for point in judgement.points)


def test_a_window_with_its_lookback_and_baselines_is_judged_as_in_the_whole_series():
    values = [*BASE, *[D("11.5")] * 9, D("14.55"), D("14.55"), D(17), D(9), D(11)]
    series = list(zip(days(len(values)), values, strict=True))
    whole = xmr.judge(series)

    window = xmr.judge(series[-10:], baselines={0: values[:20]}, context=xmr.LOOKBACK)

    assert window.points == whole.points[-3:]


@pytest.mark.parametrize(
    ("value", "text"),
    [(D("41.200"), "41.2"), (D("40.000"), "40"), (D("-3.755"), "-3.76"), (D("0.004"), "0"),
     (D("1E+2"), "100"), (None, "")],
)  # fmt: skip
def test_numbers_show_at_most_two_decimals(value, text):
    assert xmr.format_number(value) == text


def chart_of(values, *, base=None, start=date(2026, 3, 2), **options) -> xmr.Chart:
    target = options.pop("target", None)
    series = list(zip(days(len(values), start), values, strict=True))
    return xmr.chart(xmr.judge(series, **options), target=target, today=start)


def test_the_chart_flags_points_and_draws_every_line():
    chart = chart_of(
        [*EXAMPLE, D(19)], baselines={0: EXAMPLE}, target=D(14), lower_limit=D(8),
        upper_limit=D(18),
    )  # fmt: skip

    assert len(chart.points) == 9
    assert [(p.day, p.rules, p.signal) for p in chart.flagged] == [
        (date(2026, 3, 10), "1, set",
         "Rule 1: above the upper natural process limit 17.95; Above the set upper limit 18"),
    ]  # fmt: skip
    assert [(line.kind, line.label) for line in chart.x_panel.lines] == [
        ("natural", "UNPL"), ("centre", "X̄"), ("natural", "LNPL"), ("target", "Target"),
        ("set", "Upper"), ("set", "Lower"),
    ]  # fmt: skip
    assert [r.value for r in chart.ranges] == [D(2), D(1), D(3), D(1), D(1), D(3), D(4), D(8)]
    assert [r.flagged for r in chart.ranges][-1] is True  # 8 > URL 7.003
    assert chart.rules_fired == [("1", xmr.RULES["1"]), ("set", xmr.RULES["set"])]


def test_the_chart_draws_a_break_and_each_baselines_limits_over_its_own_values():
    values = [*BASE, *[D(20), D(22)] * 4]
    change = xmr.Break(starts_on=date(2026, 3, 22), reason="Morning calls")

    chart = chart_of(values, breaks=[change])

    [mark] = chart.x_panel.breaks
    assert (mark.day, mark.reason) == (date(2026, 3, 22), "Morning calls")
    assert chart.points[19].x < mark.x < chart.points[20].x
    old_lines = [line for line in chart.x_panel.lines if not line.named]
    new_lines = [line for line in chart.x_panel.lines if line.named]
    assert [(line.label, line.value) for line in old_lines] == [
        ("UNPL", D("16.32")), ("X̄", D(11)), ("LNPL", D("5.68")),
    ]  # fmt: skip
    assert [(line.label, line.value) for line in new_lines] == [
        ("UNPL", D("26.32")), ("X̄", D(21)), ("LNPL", D("15.68")),
    ]  # fmt: skip
    assert all(line.x2 == mark.x for line in old_lines)
    assert all(line.x1 == mark.x for line in new_lines)
    assert [s.limits.mean for s in chart.segments] == [D(11), D(21)]
    assert chart.limits.mean == D(21)
    assert chart.flagged == []


def test_chart_geometry_stays_inside_the_plot_and_higher_values_are_higher():
    chart = chart_of(EXAMPLE)
    panel = chart.x_panel

    for point in chart.points:
        assert panel.left <= point.x <= panel.right
        assert panel.top <= point.y <= panel.bottom
    by_value = sorted(chart.points, key=lambda p: p.value)
    assert by_value[0].y > by_value[-1].y  # SVG y grows downwards
    assert [p.x for p in chart.points] == sorted(p.x for p in chart.points)
    assert len(panel.path.split()) == 8


def test_date_labels_are_sparse_and_include_both_ends():
    chart = chart_of([D(n % 7) for n in range(30)])

    labels = [label.day for label in chart.x_panel.dates]
    assert len(labels) == 5
    assert labels[0] == date(2026, 3, 2)
    assert labels[-1] == date(2026, 3, 31)
    assert [label.label for label in chart.x_panel.dates][0] == "2 Mar"


def test_date_labels_show_the_year_when_a_day_is_in_another_year():
    series = list(zip(days(3, date(2025, 12, 30)), [D(1), D(2), D(3)], strict=True))

    chart = xmr.chart(xmr.judge(series), today=date(2026, 1, 1))

    assert [label.label for label in chart.x_panel.dates] == ["30 Dec 25", "31 Dec 25", "1 Jan 26"]


def test_days_show_their_year_only_when_it_is_not_the_current_one():
    today = date(2026, 3, 20)

    assert xmr.format_day(date(2026, 1, 5), today) == "5 Jan"
    assert xmr.format_day(date(2020, 1, 1), today) == "1 Jan 2020"
    assert xmr.format_day(date(2025, 12, 31), today, weekday=True) == "Wed 31 Dec 2025"


def test_without_natural_limits_the_chart_says_how_many_values_are_missing():
    chart = chart_of(EXAMPLE[:4], target=D(12))

    assert chart.limits is None
    assert chart.values_needed == 2
    assert [line.kind for line in chart.x_panel.lines] == ["target"]
    assert chart.mr_panel.lines == []


def test_the_first_point_shown_gets_its_moving_range_from_the_value_before_the_window():
    series = list(zip(days(4), [D(15), D(10), D(12), D(11)], strict=True))

    assert [r.value for r in xmr.chart(xmr.judge(series[1:])).ranges] == [D(2), D(1)]
    assert [r.value for r in xmr.chart(xmr.judge(series, context=1)).ranges] == [
        D(5), D(2), D(1),
    ]  # fmt: skip


def test_one_value_draws_one_point_and_no_moving_range():
    chart = chart_of([D(7)])

    assert len(chart.points) == 1
    assert chart.mr_panel is None


def test_no_values_no_chart():
    chart = xmr.chart(xmr.judge([]))

    assert (chart.points, chart.x_panel, chart.mr_panel) == ([], None, None)


def test_sparkline_runs_left_to_right_across_its_box():
    line = xmr.sparkline([D(1), D(3), D(2)])

    coords = [tuple(map(float, pair.split(","))) for pair in line.path.split()]
    assert coords[0][0] < coords[1][0] < coords[2][0]
    assert coords[1][1] < coords[2][1] < coords[0][1]
    assert (line.last_x, line.last_y) == coords[-1]
    assert xmr.sparkline([]) is None
