"""The embedded defaults and the environment overrides, read in leanops/env.py."""

import json
import os
import subprocess
import sys

import pytest

from leanops.env import (
    BASE_DIR,
    VAR_DIR,
    EnvironmentSettingError,
    broker_from_url,
    cache_from_url,
    database_from_url,
    env_bool,
)

SETTINGS_PROBE = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "name": db["NAME"],
    "host": db.get("HOST", ""),
    "conn_max_age": db["CONN_MAX_AGE"],
    "health_checks": db["CONN_HEALTH_CHECKS"],
    "init_command": db.get("OPTIONS", {}).get("init_command", ""),
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"]["LOCATION"],
    "transport": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    "debug": settings.DEBUG,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "serializer": settings.CELERY_TASK_SERIALIZER,
    "accept": settings.CELERY_ACCEPT_CONTENT,
    "acks_late": settings.CELERY_TASK_ACKS_LATE,
    "time_limit": settings.CELERY_TASK_TIME_LIMIT,
    "email_backend": settings.EMAIL_BACKEND,
    "email_host": settings.EMAIL_HOST,
}))
"""

SETTINGS_VARIABLES = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "DATABASE_CONN_MAX_AGE",
)


def _run_with_env(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    clean.update(env, DJANGO_SETTINGS_MODULE="leanops.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _settings_with_env(**env: str) -> dict:
    result = _run_with_env(SETTINGS_PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_default_is_sqlite_in_wal_mode_and_the_filesystem_broker():
    settings = _settings_with_env()

    assert settings["engine"] == "django.db.backends.sqlite3"
    assert settings["name"] == str(VAR_DIR / "leanops.sqlite3")
    assert "PRAGMA journal_mode=WAL" in settings["init_command"]
    assert settings["conn_max_age"] == 600
    assert settings["health_checks"] is True
    assert settings["broker"] == "filesystem://"
    assert settings["transport"]["data_folder_in"] == str(VAR_DIR / "broker" / "queue")
    assert settings["transport"]["data_folder_out"] == str(VAR_DIR / "broker" / "queue")
    assert (VAR_DIR / "broker" / "queue").is_dir()
    assert settings["debug"] is True
    assert settings["email_backend"] == "django.core.mail.backends.console.EmailBackend"
    assert settings["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_celery_is_json_only_with_late_acks_and_time_limits():
    settings = _settings_with_env()

    assert settings["serializer"] == "json"
    assert settings["accept"] == ["json"]
    assert settings["acks_late"] is True
    assert settings["time_limit"] == 300


def test_environment_overrides_database_broker_hosts_and_email():
    settings = _settings_with_env(
        DATABASE_URL="postgres://leanops:s3cret@db.internal:6432/leanops_prod",
        CELERY_BROKER_URL="redis://cache.internal:6380/2",
        CACHE_URL="redis://cache.internal:6380/3",
        SECRET_KEY="x" * 50,
        DEBUG="false",
        ALLOWED_HOSTS="leanops.example.com, www.leanops.example.com",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.example.com",
        DATABASE_CONN_MAX_AGE="60",
    )

    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["name"] == "leanops_prod"
    assert settings["host"] == "db.internal"
    assert settings["conn_max_age"] == 60
    assert settings["health_checks"] is True
    assert settings["broker"] == "redis://cache.internal:6380/2"
    assert settings["cache"] == "leanops.base.cache.RedisCache"
    assert settings["cache_location"] == "redis://cache.internal:6380/3"
    assert settings["debug"] is False
    assert settings["allowed_hosts"] == ["leanops.example.com", "www.leanops.example.com"]
    assert settings["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert settings["email_host"] == "smtp.example.com"


def test_postgres_url_becomes_a_persistent_connection_with_health_checks():
    db = database_from_url(
        "postgresql://app:p%40ss@127.0.0.1:5433/leanops?sslmode=require", conn_max_age=60
    )

    assert db == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "leanops",
        "USER": "app",
        "PASSWORD": "p@ss",
        "HOST": "127.0.0.1",
        "PORT": "5433",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"sslmode": "require", "prepare_threshold": 5, "server_side_binding": True},
    }


def test_postgres_prepares_repeated_statements_unless_the_url_turns_it_off():
    def options(query: str) -> dict:
        return database_from_url(f"postgres://u@db/leanops{query}", conn_max_age=0)["OPTIONS"]

    assert options("") == {"prepare_threshold": 5, "server_side_binding": True}
    assert options("?prepare_threshold=off") == {
        "prepare_threshold": None,
        "server_side_binding": False,
    }
    assert options("?prepare_threshold=2") == {"prepare_threshold": 2, "server_side_binding": True}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("prepare_threshold=soon", "DATABASE_URL has prepare_threshold='soon'"),
        ("server_side_binding=maybe", "DATABASE_URL has server_side_binding='maybe'"),
        ("server_side_binding=false", "DATABASE_URL prepares statements only with"),
    ],
)
def test_bad_statement_options_in_the_database_url_are_refused(query, message):
    with pytest.raises(EnvironmentSettingError, match=message):
        database_from_url(f"postgres://u@db/leanops?{query}", conn_max_age=0)


def test_filesystem_broker_with_a_path_keeps_its_folders_there(tmp_path):
    url, options = broker_from_url(f"filesystem://{tmp_path}/broker")

    assert url == "filesystem://"
    assert options["data_folder_in"] == str(tmp_path / "broker" / "queue")
    assert options["processed_folder"] == str(tmp_path / "broker" / "processed")
    assert (tmp_path / "broker" / "queue").is_dir()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/leanops", "DATABASE_URL must start with sqlite:// or postgres://"),
        ("postgres://localhost", "DATABASE_URL must name a host and a database"),
        ("postgres://db:port/leanops", "DATABASE_URL has a port that is not a number"),
        ("sqlite://", "DATABASE_URL has no file path"),
        ("   ", "DATABASE_URL is empty"),
    ],
)
def test_malformed_database_url_is_refused_naming_the_variable(url, message):
    with pytest.raises(EnvironmentSettingError) as error:
        database_from_url(url, conn_max_age=0)

    assert str(error.value).startswith(message)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("amqp://guest@localhost//", "CELERY_BROKER_URL must start with filesystem:// or redis://"),
        ("", "CELERY_BROKER_URL must start with filesystem:// or redis://, not 'an empty value'"),
        ("redis://", "CELERY_BROKER_URL must name a host"),
    ],
)
def test_malformed_broker_url_is_refused_naming_the_variable(url, message):
    with pytest.raises(EnvironmentSettingError) as error:
        broker_from_url(url)

    assert str(error.value).startswith(message)


@pytest.mark.parametrize("url", ["memcached://localhost:11211", "", "redis"])
def test_malformed_cache_url_is_refused_naming_the_variable(url):
    with pytest.raises(EnvironmentSettingError, match="CACHE_URL must start with locmem:// or"):
        cache_from_url(url)


def test_debug_must_be_a_boolean(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")

    with pytest.raises(EnvironmentSettingError, match="DEBUG must be true or false"):
        env_bool("DEBUG", True)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DATABASE_URL", "mysql://root@localhost/leanops"), ("CELERY_BROKER_URL", "amqp://x")],
)
def test_start_up_with_a_bad_url_stops_with_one_line_naming_the_variable(variable, value):
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    clean[variable] = value

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"LeanOps cannot start: {variable} must start with")


def test_production_without_a_secret_key_refuses_to_start():
    result = _run_with_env("", DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in result.stderr


HARDENING_PROBE = """
import json
from django.conf import settings as s
print(json.dumps({
    "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "redirect_exempt": s.SECURE_REDIRECT_EXEMPT,
    "hsts": [s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD],
    "proxy_header": getattr(s, "SECURE_PROXY_SSL_HEADER", None),
    "proxies": s.TRUSTED_PROXY_COUNT,
    "session_age": s.SESSION_COOKIE_AGE,
    "save_every_request": s.SESSION_SAVE_EVERY_REQUEST,
    "failure_limit": s.AXES_FAILURE_LIMIT,
    "cool_off_seconds": s.AXES_COOLOFF_TIME.total_seconds(),
}))
"""


def _hardening_with_env(**env: str) -> dict:
    result = _run_with_env(HARDENING_PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_embedded_default_serves_plain_http_without_hsts():
    hardening = _hardening_with_env()

    assert hardening["ssl_redirect"] is False
    assert hardening["hsts"] == [0, False, False]
    assert hardening["proxy_header"] is None
    assert hardening["proxies"] == 0


def test_production_redirects_to_https_and_sends_hsts_for_a_year_except_to_healthz():
    hardening = _hardening_with_env(DEBUG="false", SECRET_KEY="x" * 50)

    assert hardening["ssl_redirect"] is True
    assert hardening["redirect_exempt"] == ["^healthz$"]
    assert hardening["hsts"] == [31_536_000, True, True]
    assert hardening["session_age"] == 120 * 60
    assert hardening["save_every_request"] is False
    assert hardening["failure_limit"] == 5
    assert hardening["cool_off_seconds"] == 15 * 60


def test_hardening_variables_override_the_defaults():
    hardening = _hardening_with_env(
        DEBUG="false",
        SECRET_KEY="x" * 50,
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
        SECURE_HSTS_PRELOAD="false",
        PROXY_SETS_X_FORWARDED_PROTO="true",
        TRUSTED_PROXY_COUNT="2",
        SESSION_IDLE_MINUTES="30",
        LOGIN_FAILURE_LIMIT="10",
        LOGIN_COOLOFF_MINUTES="60",
    )

    assert hardening["ssl_redirect"] is False
    assert hardening["hsts"] == [3600, False, False]
    assert hardening["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert hardening["proxies"] == 2
    assert hardening["session_age"] == 30 * 60
    assert hardening["failure_limit"] == 10
    assert hardening["cool_off_seconds"] == 60 * 60


def test_a_refresh_interval_not_shorter_than_the_idle_time_refuses_to_start():
    result = _run_with_env("", SESSION_IDLE_MINUTES="5", SESSION_REFRESH_MINUTES="5")

    assert result.returncode != 0
    assert "SESSION_REFRESH_MINUTES must be shorter than SESSION_IDLE_MINUTES" in result.stderr
