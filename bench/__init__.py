"""`make bench`: request timings and query counts on a database with a year of history.

Run as `python -m bench` (see bench/__main__.py). It builds its own SQLite
database under var/bench/, never touches the one `make run` uses, and is not
part of `make test`: timings live here, not in tests (ARCHITECTURE.md).
"""
