"""The one place that reads the environment.

Every setting that differs between the embedded default (`make run`) and
production comes from here, so a wrong variable fails at start-up with one
line naming it rather than at the first request.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


class EnvironmentSettingError(ImproperlyConfigured):
    """A variable is set to something LeanOps cannot use; the message names it."""


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise EnvironmentSettingError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise EnvironmentSettingError(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str, *, conn_max_age: int) -> dict:
    """Turn DATABASE_URL into a Django DATABASES entry.

    sqlite:///relative/or//absolute/path.sqlite3 and
    postgres://user:password@host:port/name?sslmode=... are understood.
    """
    name = "DATABASE_URL"
    if not url.strip():
        raise EnvironmentSettingError(
            f"{name} is empty; unset it for SQLite or give a database URL"
        )
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(url.split("://", 1)[1]) if "://" in url else ""
        # sqlite:///var/db.sqlite3 is relative to the project, sqlite:////abs is absolute.
        path = path[1:] if path.startswith("/") else path
        if not path:
            raise EnvironmentSettingError(
                f"{name} has no file path: use sqlite:///var/leanops.sqlite3 or sqlite:////abs/path"
            )
        file = Path(path) if Path(path).is_absolute() else BASE_DIR / path
        file.parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(file),
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # WAL lets the web server read while the worker writes;
                # IMMEDIATE takes the write lock at BEGIN so concurrent
                # writers wait (busy timeout) instead of failing mid-transaction.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A file, not memory, so a real worker and live_server share it;
            # one per process, so two test runs never share one.
            "TEST": {"NAME": str(VAR_DIR / f"test-leanops-{os.getpid()}.sqlite3")},
        }
    if scheme in {"postgres", "postgresql", "pgsql"}:
        db_name = unquote(parts.path.lstrip("/"))
        if not db_name or not parts.hostname:
            raise EnvironmentSettingError(
                f"{name} must name a host and a database: postgres://user:password@host:5432/leanops"
            )
        try:
            port = parts.port
        except ValueError:
            raise EnvironmentSettingError(f"{name} has a port that is not a number") from None
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        options.update(_statement_options(options))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": db_name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname,
            "PORT": str(port or 5432),
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise EnvironmentSettingError(
        f"{name} must start with sqlite:// or postgres://, not {url.split(':', 1)[0]!r}"
    )


# PostgreSQL plans every statement it is sent as text; a persistent connection that
# prepares a statement it has run PREPARE_THRESHOLD times plans it once. That halves
# the database's CPU on the pages, whose handful of queries repeat on every request
# (measured in `make bench`). Prepared statements need server-side binding, and a
# session-pooling or direct connection: behind a transaction pooler (PgBouncer in
# transaction mode) add ?prepare_threshold=off to DATABASE_URL.
PREPARE_THRESHOLD = 5
_OFF = {"off", "none", "false", "no", "0"}


def _statement_options(options: dict[str, str]) -> dict:
    """`prepare_threshold` and `server_side_binding` for Django's psycopg backend, from
    the URL's query (strings there) or the defaults above."""
    name = "DATABASE_URL"
    raw = options.get("prepare_threshold", str(PREPARE_THRESHOLD)).strip().lower()
    if raw in _OFF:
        threshold = None
    elif raw.isdigit():
        threshold = int(raw)
    else:
        raise EnvironmentSettingError(
            f"{name} has prepare_threshold={raw!r}: give a whole number of runs, or off"
        )
    binding = options.get("server_side_binding", "true" if threshold else "false")
    if binding.strip().lower() not in {"true", "false"}:
        raise EnvironmentSettingError(
            f"{name} has server_side_binding={binding!r}: give true or false"
        )
    server_side = binding.strip().lower() == "true"
    if threshold and not server_side:
        raise EnvironmentSettingError(
            f"{name} prepares statements only with server_side_binding=true"
        )
    return {"prepare_threshold": threshold, "server_side_binding": server_side}


def broker_from_url(url: str) -> tuple[str, dict]:
    """Turn CELERY_BROKER_URL into (broker_url, broker_transport_options).

    filesystem:// keeps messages in var/broker; filesystem:///abs/dir puts them
    elsewhere. redis://host:port/db is passed through.
    """
    name = "CELERY_BROKER_URL"
    scheme = urlsplit(url).scheme.lower() if "://" in url else ""
    if scheme == "filesystem":
        raw_path = url.split("://", 1)[1]
        folder = Path(raw_path) if raw_path.startswith("/") else VAR_DIR / "broker"
        queue_dir = folder / "queue"
        processed_dir = folder / "processed"
        # Fanout bindings; kombu's default is ./control in whatever directory it runs from.
        control_dir = folder / "control"
        for directory in (queue_dir, processed_dir, control_dir):
            directory.mkdir(parents=True, exist_ok=True)
        return "filesystem://", {
            "data_folder_in": str(queue_dir),
            "data_folder_out": str(queue_dir),
            "processed_folder": str(processed_dir),
            "control_folder": str(control_dir),
            "store_processed": False,
        }
    if scheme in {"redis", "rediss"}:
        parts = urlsplit(url)
        if not parts.hostname:
            raise EnvironmentSettingError(f"{name} must name a host: redis://127.0.0.1:6379/0")
        try:
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError:
            raise EnvironmentSettingError(f"{name} has a port that is not a number") from None
        # A broker that does not answer (host gone, not just refused) fails a publish in
        # seconds, not after the system's TCP timeout: a request that queues work on
        # commit waits that long before it logs the failure and answers anyway.
        return url, {"visibility_timeout": 3600, "socket_connect_timeout": 2}
    shown = url.split(":", 1)[0] if url else "an empty value"
    raise EnvironmentSettingError(
        f"{name} must start with filesystem:// or redis://, not {shown!r}"
    )


def cache_from_url(url: str) -> dict:
    """Turn CACHE_URL into a Django CACHES entry.

    locmem:// (the default) keeps the cache in each process; redis://host:port/db
    shares it between the web workers, as production must (docker-compose.yml),
    so that what one worker forgets the others forget too.
    """
    name = "CACHE_URL"
    scheme = urlsplit(url).scheme.lower() if "://" in url else ""
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "leanops"}
    if scheme in {"redis", "rediss"}:
        return {
            "BACKEND": "leanops.base.cache.RedisCache",
            "LOCATION": url,
            # A page waits at most this long for a cache that is gone, then reads
            # the database (roles.cache).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    raise EnvironmentSettingError(
        f"{name} must start with locmem:// or redis://, not {url.split(':', 1)[0]!r}"
    )
