"""`make bench`: the daily pages under load on PostgreSQL and gunicorn (bench/run.py),
judged against a trivial logged-in page served by the same server, and the
background work timed in-process; `make bench-quick`: Django's test client on
SQLite (bench/quick.py).

Neither is part of `make test`: timings live here, not in tests
(ARCHITECTURE.md). Each builds its own database and never touches the one
`make run` uses. The pure parts (bench/load.py) and the ceiling page are tested
in tests/leanops/test_bench.py.
"""
