"""A backup restores: the README's `pg_dump -Fc` / `pg_restore` commands, on a small
database of its own, bring back every table's rows, the exact values and the
sequences (so the next row does not collide with a restored one)."""

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from psycopg import sql

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump and pg_restore back up PostgreSQL only"
)

ROOT = Path(settings.BASE_DIR)
# Migrations, then a small seed with the values a restore could get wrong: text beyond ASCII,
# times with zones, JSON, decimals and the data migrations' rows.
SEED = """
from django.core.management import call_command
call_command("migrate", "--noinput", verbosity=0)
from datetime import time
from decimal import Decimal
from roles.demo import organisation_seed
from roles.models import Team, User
from standardwork.models import ControlPoint, Measurement
organisation_seed(password="restore-me")
user = User.objects.get(username="leader")
user.first_name = "Zoë Ångström-Øberg"
user.save(update_fields=["first_name"])
team = Team.objects.order_by("pk").first()
team.standup_time = time(8, 45)
team.working_days = [1, 2, 4]
team.save(update_fields=["standup_time", "working_days"])
point = ControlPoint.objects.create(team=team, name="Connect rate", unit="%")
Measurement.objects.create(
    control_point=point, value=Decimal("12.345"), measured_on="2026-11-24", entered_by=user
)
"""


def _server() -> dict:
    database = connection.settings_dict
    return {
        "host": database["HOST"] or "localhost",
        "port": str(database["PORT"] or 5432),
        "user": database["USER"] or "postgres",
        "password": database["PASSWORD"] or "",
    }


def _url(server: dict, name: str) -> str:
    password = f":{quote(server['password'])}" if server["password"] else ""
    return f"postgres://{quote(server['user'])}{password}@{server['host']}:{server['port']}/{name}"


def _binary(name: str, major: int) -> str:
    """The client of the server's major version (Debian keeps each under its own bin)."""
    versioned = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if versioned.exists():
        return str(versioned)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: apt-get install postgresql-client-{major}")
    return found


def _connect(server: dict, name: str) -> psycopg.Connection:
    return psycopg.connect(
        host=server["host"],
        port=server["port"],
        user=server["user"],
        password=server["password"] or None,
        dbname=name,
        autocommit=True,
    )


def _snapshot(server: dict, name: str) -> dict:
    """Every table's row count, the sequences' positions and a few exact values."""
    with _connect(server, name) as database:
        tables = [
            row[0]
            for row in database.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        counts = {
            table: database.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }
        sequences = dict(
            database.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
            ).fetchall()
        )
        values = {
            "users": database.execute(
                "SELECT id, username, first_name, password, date_joined FROM roles_user ORDER BY id"
            ).fetchall(),
            "teams": database.execute(
                "SELECT id, name, time_zone, standup_time, working_days FROM roles_team ORDER BY id"
            ).fetchall(),
            "measurements": database.execute(
                "SELECT value, measured_on, entered_at FROM standardwork_measurement"
            ).fetchall(),
            "migrations": database.execute(
                "SELECT app, name FROM django_migrations ORDER BY id"
            ).fetchall(),
        }
    return {"counts": counts, "sequences": sequences, "values": values}


def test_a_pg_dump_of_a_small_database_restores_every_row_and_sequence(tmp_path):
    server = _server()
    base = f"{connection.settings_dict['NAME']}_backup_{os.getpid()}"
    source, restored = f"{base}_source", f"{base}_restored"
    dump = tmp_path / "leanops.dump"
    env = {**os.environ, "PGPASSWORD": server["password"]}
    with _connect(server, "postgres") as admin:
        major = int(admin.execute("SHOW server_version_num").fetchone()[0]) // 10000
        for name in (source, restored):
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            # Migrated and seeded by the app itself, as a deployment would be.
            subprocess.run(
                [sys.executable, "manage.py", "shell", "-v0", "-c", SEED],
                cwd=ROOT,
                env={**env, "DATABASE_URL": _url(server, source)},
                check=True,
            )
            connect = ["-h", server["host"], "-p", server["port"], "-U", server["user"]]
            subprocess.run(
                [_binary("pg_dump", major), *connect, "-Fc", "-f", str(dump), source],
                env=env,
                check=True,
            )
            subprocess.run(
                [_binary("pg_restore", major), *connect, "--no-owner", "--exit-on-error",
                 "-d", restored, str(dump)],
                env=env,
                check=True,
            )  # fmt: skip

            before, after = _snapshot(server, source), _snapshot(server, restored)
        finally:
            for name in (source, restored):
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )

    assert after == before
    assert before["counts"]["roles_user"] > 20  # the organisation is there to compare
    assert before["counts"]["standardwork_missreason"] > 0  # and the data migrations' rows
    assert "Zoë Ångström-Øberg" in [row[2] for row in after["values"]["users"]]
    assert [row[0] for row in after["values"]["measurements"]] == [Decimal("12.345")]
