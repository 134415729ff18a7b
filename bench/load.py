"""The pure parts of `make bench`: reading wrk's result, judging issue 9's targets,
and printing the table. No Django, no processes: tests/leanops/test_bench.py tests them."""

import json
from dataclasses import asdict, dataclass

RESULT_PREFIX = "BENCH_RESULT "

CEILING = "ceiling"
CEILING_AGAIN = "ceiling_again"  # measured last: the drift of the machine during the run


class LoadOutputError(ValueError):
    """wrk's output has no result line from bench/wrk.lua."""


@dataclass
class Load:
    """What wrk measured for one page."""

    requests: int
    seconds: float
    bytes_received: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def combined(first: Load, second: Load) -> Load:
    """Two runs of one page as one: requests over the time of both, each percentile the
    mean of the two runs' (an approximation: wrk reports no histogram to merge)."""
    return Load(
        requests=first.requests + second.requests,
        seconds=first.seconds + second.seconds,
        bytes_received=first.bytes_received + second.bytes_received,
        errors=first.errors + second.errors,
        p50_ms=(first.p50_ms + second.p50_ms) / 2,
        p95_ms=(first.p95_ms + second.p95_ms) / 2,
        p99_ms=(first.p99_ms + second.p99_ms) / 2,
    )


def parse_wrk(output: str) -> Load:
    """The result line bench/wrk.lua's done() prints, as a Load."""
    for line in output.splitlines():
        if line.startswith(RESULT_PREFIX):
            data = json.loads(line[len(RESULT_PREFIX) :])
            break
    else:
        raise LoadOutputError(f"no {RESULT_PREFIX.strip()} line in wrk's output: {output[-300:]!r}")
    latency = data["latency_us"]
    return Load(
        requests=int(data["requests"]),
        seconds=data["duration_us"] / 1e6,
        bytes_received=int(data["bytes"]),
        errors=sum(int(count) for count in data["errors"].values()),
        p50_ms=latency["p50"] / 1000,
        p95_ms=latency["p95"] / 1000,
        p99_ms=latency["p99"] / 1000,
    )


@dataclass
class PageResult:
    key: str
    label: str
    url: str = ""
    status: str = "ok"  # ok, skipped, failed
    detail: str = ""
    queries: int | None = None
    body_bytes: int | None = None
    load: Load | None = None
    ratio: float | None = None

    @property
    def measured(self) -> bool:
        return self.status == "ok" and self.load is not None

    def as_dict(self) -> dict:
        data = asdict(self)
        if self.load is not None:
            data["load"]["requests_per_second"] = round(self.load.requests_per_second, 1)
        return data


@dataclass
class Timing:
    """A piece of background work timed in-process."""

    key: str
    label: str
    seconds: float
    result: int  # what the service returned (checklists issued, stand-ups opened)
    rows_written: int | None = None


@dataclass
class Verdict:
    target: str
    measured: str
    met: bool


@dataclass
class Targets:
    """Issue 9's targets, as numbers."""

    tick_ratio: float = 0.5
    tick_p99_ms: float = 40.0
    my_standard_work_ratio: float = 0.35
    rhythm_ratio: float = 0.3  # stand-up page, impediment board, results pages
    history_factor: float = 1.2  # results with a year at most 1.2x the same page with a week
    board_p95_ms: float = 60.0
    board_bytes: int = 60_000
    issue_seconds: float = 2.0
    reissue_seconds: float = 0.5
    dashboard_p95_ms: float = 150.0  # issue 11
    dashboard_history_factor: float = 1.3


# Which pages each ratio target applies to (PageResult.key).
TICK = "tick"
MY_STANDARD_WORK = "my_standard_work"
RHYTHM_PAGES = (
    "standup",
    "impediment_board",
    "team_results_year",
    "team_results_week",
    "person_results_year",
    "person_results_week",
)
BOARD = "verify_board_four_teams"
HISTORY_PAIRS = (
    ("team_results_year", "team_results_week"),
    ("person_results_year", "person_results_week"),
)
DASHBOARD = "dashboard_year"
DASHBOARD_PAIR = ("dashboard_year", "dashboard_week")
ISSUE = "issue_day"
REISSUE = "issue_day_again"


def with_ratios(pages: list[PageResult]) -> list[PageResult]:
    """Each measured page's requests/s as a share of the ceiling's, same run."""
    ceiling = next((page for page in pages if page.key == CEILING and page.measured), None)
    for page in pages:
        if ceiling is not None and page.measured and ceiling.load.requests_per_second:
            page.ratio = page.load.requests_per_second / ceiling.load.requests_per_second
    return pages


def judge(
    pages: list[PageResult], timings: list[Timing], targets: Targets | None = None
) -> list[Verdict]:
    """Every target of issue 9 the run can judge; a page skipped is not judged."""
    targets = targets or Targets()
    by_key = {page.key: page for page in pages}
    verdicts: list[Verdict] = []

    def ratio(key: str, least: float) -> None:
        page = by_key.get(key)
        if page is None or page.status == "skipped":
            return
        if not page.measured or page.ratio is None:
            verdicts.append(
                Verdict(f"{page.label}: >= {least:.2f}x the ceiling", "no result", False)
            )
            return
        verdicts.append(
            Verdict(
                f"{page.label}: >= {least:.2f}x the ceiling",
                f"{page.ratio:.2f}x",
                page.ratio >= least,
            )
        )

    for page in pages:
        if page.status == "failed" or (page.measured and page.load.errors):
            errors = page.load.errors if page.load else 0
            verdicts.append(
                Verdict(
                    f"{page.label}: answers without errors",
                    page.detail or f"{errors} errors",
                    False,
                )
            )
    ratio(TICK, targets.tick_ratio)
    tick = by_key.get(TICK)
    if tick is not None and tick.measured:
        verdicts.append(
            Verdict(
                f"{tick.label}: p99 < {targets.tick_p99_ms:.0f} ms at 8 connections",
                f"{tick.load.p99_ms:.1f} ms",
                tick.load.p99_ms < targets.tick_p99_ms,
            )
        )
    ratio(MY_STANDARD_WORK, targets.my_standard_work_ratio)
    for key in RHYTHM_PAGES:
        ratio(key, targets.rhythm_ratio)
    dashboard = by_key.get(DASHBOARD)
    if dashboard is not None and dashboard.measured:
        verdicts.append(
            Verdict(
                f"{dashboard.label}: p95 < {targets.dashboard_p95_ms:.0f} ms",
                f"{dashboard.load.p95_ms:.1f} ms",
                dashboard.load.p95_ms < targets.dashboard_p95_ms,
            )
        )
    pairs = [(*pair, targets.history_factor) for pair in HISTORY_PAIRS]
    pairs.append((*DASHBOARD_PAIR, targets.dashboard_history_factor))
    for year_key, week_key, history_factor in pairs:
        year, week = by_key.get(year_key), by_key.get(week_key)
        if year is None or week is None or not (year.measured and week.measured):
            continue
        factor = (
            week.load.requests_per_second / year.load.requests_per_second
            if year.load.requests_per_second
            else float("inf")
        )
        verdicts.append(
            Verdict(
                f"{year.label}: at most {history_factor}x the time of a week's",
                f"{factor:.2f}x",
                factor <= history_factor,
            )
        )
    board = by_key.get(BOARD)
    if board is not None and board.measured:
        verdicts.append(
            Verdict(
                f"{board.label}: p95 < {targets.board_p95_ms:.0f} ms",
                f"{board.load.p95_ms:.1f} ms",
                board.load.p95_ms < targets.board_p95_ms,
            )
        )
        verdicts.append(
            Verdict(
                f"{board.label}: < {targets.board_bytes:,} bytes of HTML",
                f"{board.body_bytes:,} bytes",
                (board.body_bytes or 0) < targets.board_bytes,
            )
        )
    times = {timing.key: timing for timing in timings}
    if ISSUE in times:
        issue = times[ISSUE]
        verdicts.append(
            Verdict(
                f"{issue.label}: < {targets.issue_seconds:.1f} s",
                f"{issue.seconds:.2f} s ({issue.result} checklists)",
                issue.seconds < targets.issue_seconds,
            )
        )
    if REISSUE in times:
        again = times[REISSUE]
        verdicts.append(
            Verdict(
                f"{again.label}: < {targets.reissue_seconds:.1f} s, nothing written",
                f"{again.seconds:.2f} s, {again.rows_written} rows written",
                again.seconds < targets.reissue_seconds
                and again.rows_written == 0
                and again.result == 0,
            )
        )
    return verdicts


def _number(value: float | None, digits: int = 0) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def pages_table(pages: list[PageResult]) -> str:
    lines = [
        "| page | bytes | queries | req/s | p50 ms | p95 ms | p99 ms | errors | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in pages:
        if not page.measured:
            lines.append(f"| {page.label} | {page.status}: {page.detail} | | | | | | | |")
            continue
        load = page.load
        lines.append(
            f"| {page.label} | {_number(page.body_bytes)} | {_number(page.queries)} | "
            f"{_number(load.requests_per_second)} | {load.p50_ms:.1f} | {load.p95_ms:.1f} | "
            f"{load.p99_ms:.1f} | {load.errors} | {_number(page.ratio, 2)} |"
        )
    return "\n".join(lines)


def timings_table(timings: list[Timing]) -> str:
    lines = ["| background work | seconds | result | rows written |", "|---|---:|---:|---:|"]
    for timing in timings:
        lines.append(
            f"| {timing.label} | {timing.seconds:.2f} | {timing.result} | "
            f"{'' if timing.rows_written is None else timing.rows_written} |"
        )
    return "\n".join(lines)


def verdicts_table(verdicts: list[Verdict]) -> str:
    lines = ["| target (issue 9) | measured | met |", "|---|---|---|"]
    for verdict in verdicts:
        lines.append(
            f"| {verdict.target} | {verdict.measured} | {'yes' if verdict.met else 'NO'} |"
        )
    return "\n".join(lines)
