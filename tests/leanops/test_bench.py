"""The pure parts of `make bench` (bench/load.py), its ceiling page and its
database guard. The bench itself (servers, load, timings) is not run here."""

import json
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from bench.load import (
    CEILING,
    ISSUE,
    REISSUE,
    Load,
    LoadOutputError,
    PageResult,
    Timing,
    combined,
    judge,
    pages_table,
    parse_wrk,
    verdicts_table,
    with_ratios,
)
from bench.run import PRODUCTION_WORKERS, bench_database, issue_moment
from tests.roles.factories import UserFactory

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:40000/bench/ceiling/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     7.01ms    1.20ms  20.11ms   80.00%
  5432 requests in 5.00s, 1.52MB read
Requests/sec:   1086.40
Transfer/sec:    311.10KB
BENCH_RESULT {"requests": 5432, "duration_us": 5000000, "bytes": 1594000, \
"errors": {"connect": 0, "read": 1, "write": 0, "status": 2, "timeout": 0}, \
"latency_us": {"p50": 6800, "p95": 9500, "p99": 13200, "max": 20110, "mean": 7010.5}}
"""


def load(rps: float, *, p95: float = 10.0, p99: float = 20.0, errors: int = 0) -> Load:
    return Load(
        requests=int(rps * 5),
        seconds=5.0,
        bytes_received=1000,
        errors=errors,
        p50_ms=5.0,
        p95_ms=p95,
        p99_ms=p99,
    )


def page(key: str, rps: float, **kwargs) -> PageResult:
    body_bytes = kwargs.pop("body_bytes", 1000)
    return PageResult(key, key.replace("_", " "), load=load(rps, **kwargs), body_bytes=body_bytes)


def test_parse_wrk_reads_the_result_line_of_the_lua_script():
    result = parse_wrk(WRK_OUTPUT)

    assert result.requests == 5432
    assert result.seconds == 5.0
    assert result.requests_per_second == pytest.approx(1086.4)
    assert (result.p50_ms, result.p95_ms, result.p99_ms) == (6.8, 9.5, 13.2)
    assert result.errors == 3
    assert result.bytes_received == 1594000


def test_parse_wrk_without_the_result_line_says_so():
    with pytest.raises(LoadOutputError, match="no BENCH_RESULT line"):
        parse_wrk("unable to connect to 127.0.0.1:40000 Connection refused\n")


def test_ratios_are_shares_of_the_ceiling_in_the_same_run():
    pages = with_ratios([page(CEILING, 1000), page("tick", 600), page("standup", 250)])

    assert [p.ratio for p in pages] == [1.0, 0.6, 0.25]


def passing_run() -> tuple[list[PageResult], list[Timing]]:
    pages = [
        page(CEILING, 1000),
        page("tick", 600, p99=30),
        page("my_standard_work", 400),
        page("standup", 350),
        page("impediment_board", 350),
        page("team_results_year", 330),
        page("team_results_week", 360),
        page("person_results_year", 330),
        page("person_results_week", 340),
        page("verify_board_four_teams", 200, p95=50, body_bytes=50_000),
    ]
    timings = [
        Timing(ISSUE, "issue a day", 1.5, 600, 2400),
        Timing(REISSUE, "issue again", 0.2, 0, 0),
    ]
    return with_ratios(pages), timings


def test_a_run_that_meets_every_target_passes():
    pages, timings = passing_run()

    verdicts = judge(pages, timings)

    assert all(verdict.met for verdict in verdicts), verdicts_table(verdicts)
    assert len(verdicts) == 15


@pytest.mark.parametrize(
    ("change", "missed"),
    [
        (lambda p, t: setattr(p[1], "ratio", 0.49), "tick: >= 0.50x the ceiling"),
        (lambda p, t: setattr(p[1].load, "p99_ms", 40.0), "tick: p99 < 40 ms at 8 connections"),
        (lambda p, t: setattr(p[2], "ratio", 0.3), "my standard work: >= 0.35x the ceiling"),
        (lambda p, t: setattr(p[3], "ratio", 0.29), "standup: >= 0.30x the ceiling"),
        (
            lambda p, t: setattr(p[5].load, "requests", 5 * 299),
            "team results year: at most 1.2x the time of a week's",
        ),
        (lambda p, t: setattr(p[9].load, "p95_ms", 61.0), "verify board four teams: p95 < 60 ms"),
        (
            lambda p, t: setattr(p[9], "body_bytes", 60_000),
            "verify board four teams: < 60,000 bytes of HTML",
        ),
        (lambda p, t: setattr(t[0], "seconds", 2.0), "issue a day: < 2.0 s"),
        (lambda p, t: setattr(t[1], "rows_written", 1), "issue again: < 0.5 s, nothing written"),
        (lambda p, t: setattr(p[4].load, "errors", 3), "impediment board: answers without errors"),
    ],
)
def test_each_missed_target_is_named(change, missed):
    pages, timings = passing_run()
    change(pages, timings)

    verdicts = judge(pages, timings)

    assert [v.target for v in verdicts if not v.met] == [missed]


def test_a_skipped_page_is_not_judged_and_a_failed_one_is():
    pages, timings = passing_run()
    pages[3] = PageResult("standup", "standup", status="skipped", detail="not available")
    pages[4] = PageResult("impediment_board", "board", status="failed", detail="HTTP 500")

    verdicts = judge(pages, timings)

    missed = [v.target for v in verdicts if not v.met]
    assert missed == ["board: answers without errors", "board: >= 0.30x the ceiling"]
    assert not any(v.target.startswith("standup") for v in verdicts)
    table = pages_table(pages)
    assert "| standup | skipped: not available |" in table
    assert "| board | failed: HTTP 500 |" in table


def test_the_result_serialises_to_json():
    pages, _ = passing_run()

    data = json.loads(json.dumps([p.as_dict() for p in pages]))

    assert data[1]["load"]["requests_per_second"] == 600.0
    assert data[1]["ratio"] == 0.6


def test_the_bench_database_is_its_own_on_the_same_server():
    database = bench_database("postgres://ci:secret@db.internal:5433/leanops?sslmode=require")

    assert database.name == "leanops_bench"
    assert database.url == "postgres://ci:secret@db.internal:5433/leanops_bench?sslmode=require"
    assert database.admin_url == "postgres://ci:secret@db.internal:5433/postgres?sslmode=require"
    assert bench_database("postgres://postgres@127.0.0.1/leanops_bench").name == "leanops_bench"


def test_the_bench_keeps_djangos_statement_options_off_its_plain_connection():
    database = bench_database("postgres://ci@db:5432/leanops?prepare_threshold=off&sslmode=require")

    assert (
        database.url == "postgres://ci@db:5432/leanops_bench?prepare_threshold=off&sslmode=require"
    )
    assert database.admin_url == "postgres://ci@db:5432/postgres?sslmode=require"


def test_issuing_is_timed_now_on_a_weekday_and_on_monday_at_a_weekend():
    from datetime import UTC, datetime

    monday_evening = datetime(2026, 11, 30, 17, 32, tzinfo=UTC)
    assert issue_moment(monday_evening) == monday_evening
    assert issue_moment(datetime(2026, 12, 5, 9, 0, tzinfo=UTC)) == datetime(
        2026, 12, 7, 12, tzinfo=UTC
    )


@pytest.mark.urls("bench.urls")
@pytest.mark.django_db
def test_the_ceiling_answers_only_logged_in_users(client):
    url = reverse("bench_ceiling")

    anonymous = client.get(url)
    client.force_login(UserFactory())
    logged_in = client.get(url)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")
    assert logged_in.status_code == 200
    assert len(logged_in.content) < 100


def test_the_ceiling_is_not_in_the_product_urls():
    with pytest.raises(NoReverseMatch):
        reverse("bench_ceiling")


def test_the_dashboard_is_judged_on_its_p95_and_a_year_against_a_week():
    pages = with_ratios(
        [
            page(CEILING, 1000),
            page("dashboard_year", 100, p95=160.0),
            page("dashboard_week", 140, p95=90.0),
        ]
    )

    verdicts = {verdict.target: verdict for verdict in judge(pages, [])}

    p95 = verdicts["dashboard year: p95 < 150 ms"]
    factor = verdicts["dashboard year: at most 1.3x the time of a week's"]
    assert (p95.measured, p95.met) == ("160.0 ms", False)
    assert (factor.measured, factor.met) == ("1.40x", False)


def test_the_bench_starts_as_many_gunicorn_workers_as_production_does_by_default():
    root = Path(__file__).resolve().parents[2]
    compose = (root / "docker-compose.yml").read_text()
    dockerfile = (root / "Dockerfile").read_text()

    assert f"${{WEB_CONCURRENCY:-{PRODUCTION_WORKERS}}}" in compose
    assert f"--workers ${{WEB_CONCURRENCY:-{PRODUCTION_WORKERS}}}" in dockerfile


def test_two_runs_of_a_page_combine_over_their_whole_time():
    first = Load(
        requests=300, seconds=5.0, bytes_received=3000, errors=0, p50_ms=20, p95_ms=30, p99_ms=40
    )
    second = Load(
        requests=200, seconds=5.0, bytes_received=2000, errors=1, p50_ms=30, p95_ms=50, p99_ms=60
    )

    both = combined(first, second)

    assert both.requests_per_second == 50.0
    assert (both.errors, both.bytes_received) == (1, 5000)
    assert (both.p50_ms, both.p95_ms, both.p99_ms) == (25.0, 40.0, 50.0)
