"""The fault tests' servers: one throwaway PostgreSQL cluster and one redis-server for
the session (tests/faults/servers.py), and a migrated template database each test
copies. Where initdb/pg_ctl or redis-server are missing, the tests skip with the
reason; under CI=true that is a failure, as for Chromium (tests/e2e/conftest.py)."""

import contextlib
import os
import pwd
import uuid

import pytest

from tests.faults.servers import (
    PostgresCluster,
    RedisServer,
    app_env,
    manage,
    postgres_bin_dir,
    redis_server_binary,
)

TEMPLATE = "leanops_faults_template"


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres():
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        _missing(
            "PostgreSQL server binaries (initdb, pg_ctl) not found under "
            "/usr/lib/postgresql/*/bin: install them with `apt-get install -y postgresql`"
        )
    if os.geteuid() == 0 and not _has_user("postgres"):
        _missing(
            "Running as root, initdb needs the `postgres` system user (it refuses root), and "
            "there is none: install PostgreSQL with `apt-get install -y postgresql`"
        )
    cluster = PostgresCluster(bin_dir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="session")
def redis_server():
    binary = redis_server_binary()
    if binary is None:
        _missing("redis-server not found: install it with `apt-get install -y redis-server`")
    server = RedisServer(binary)
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Collected once: with DEBUG off, as in production, pages name the hashed files."""
    root = tmp_path_factory.mktemp("static")
    manage({**os.environ, "DEBUG": "false", "SECRET_KEY": "collectstatic-only-0123456789",
            "STATIC_ROOT": str(root)}, "collectstatic", "--noinput")  # fmt: skip
    return root


@pytest.fixture(scope="session")
def migrated_template(postgres, redis_server):
    """A database migrated once; each test gets a copy (CREATE DATABASE ... TEMPLATE)."""
    postgres.sql(f"CREATE DATABASE {TEMPLATE}")
    manage(
        app_env(database_url=postgres.url(TEMPLATE), broker_url=redis_server.url()),
        "migrate", "--noinput",
    )  # fmt: skip
    return TEMPLATE


@pytest.fixture
def fault_env(postgres, redis_server, migrated_template, static_root, tmp_path):
    """The environment of this test's processes: its own database copied from the
    template, the throwaway Redis as broker and cache, and emails into files."""
    if not redis_server.answers():  # an earlier test left it stopped
        redis_server.start()
    name = f"leanops_faults_{uuid.uuid4().hex[:10]}"
    postgres.sql(f"CREATE DATABASE {name} TEMPLATE {migrated_template}")
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = app_env(
        database_url=postgres.url(name),
        broker_url=redis_server.url(0),
        CACHE_URL=redis_server.url(1),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    yield env
    redis_server_flush(redis_server)


def redis_server_flush(server) -> None:
    import redis

    with contextlib.suppress(redis.RedisError):
        redis.Redis(port=server.port, socket_connect_timeout=1).flushall()
