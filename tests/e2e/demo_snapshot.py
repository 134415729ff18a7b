"""The demo, seeded once per test session and copied back for each browser test.

`seed_demo` takes about a minute (a quarter of history, two campaigns), and
every browser test starts from the demo as `make run` leaves it. Seeding it
per test made the browser tests most of CI's time, so the first test seeds it
and copies every table into a `snap_` table beside it; each later test empties
the tables and copies the rows back (a few hundred milliseconds). The copy is
plain SQL on the same connection, so it works on PostgreSQL and SQLite alike.

The snapshot tables are not models, so the flush that ends each transactional
test leaves them alone; they go with the test database at the end of the run.
Foreign keys are deferred to commit on both databases (Django creates them so),
which is why the rows can be copied back in any table order inside one
transaction. Files the demo stores (a training recording) stay where the first
seed wrote them, so the restored rows still point at them.
"""

import hashlib

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

PREFIX = "snap_"


def _snapshot_name(table: str) -> str:
    name = f"{PREFIX}{table}"
    if len(name) <= 60:  # PostgreSQL cuts identifiers at 63 bytes
        return name
    return f"{PREFIX}{hashlib.sha1(table.encode()).hexdigest()[:16]}"


def _model_tables() -> list[str]:
    return sorted(
        table
        for table in connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        if not table.startswith(PREFIX)
    )


class DemoSnapshot:
    """Seeds the demo on first use; restores the same rows on every later use."""

    def __init__(self):
        self.tables: list[str] | None = None

    def load(self) -> None:
        if self.tables is None:
            self._drop_snapshot_tables()  # left by an earlier run of a kept database
            call_command("seed_demo", verbosity=0)
            self._take()
        else:
            self._restore()

    def _take(self) -> None:
        quote = connection.ops.quote_name
        tables = _model_tables()
        with transaction.atomic(), connection.cursor() as cursor:
            for table in tables:
                cursor.execute(
                    f"CREATE TABLE {quote(_snapshot_name(table))} AS SELECT * FROM {quote(table)}"
                )
        self.tables = tables

    def _restore(self) -> None:
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {', '.join(quote(t) for t in self.tables)}")
            else:
                for table in self.tables:
                    cursor.execute(f"DELETE FROM {quote(table)}")
            for table in self.tables:
                cursor.execute(
                    f"INSERT INTO {quote(table)} SELECT * FROM {quote(_snapshot_name(table))}"
                )
            # The rows came back with their ids; the next insert must not reuse one.
            models = apps.get_models(include_auto_created=True)
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)

    def _drop_snapshot_tables(self) -> None:
        quote = connection.ops.quote_name
        stale = [t for t in connection.introspection.table_names() if t.startswith(PREFIX)]
        with connection.cursor() as cursor:
            for table in stale:
                cursor.execute(f"DROP TABLE {quote(table)}")
