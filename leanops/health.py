"""What /healthz judges: the database, the broker, and whether beat and the
worker are alive (the wiring floor: it knows the Celery set-up).

Beat records its heartbeat when it publishes the every-minute heartbeat task
(`leanops.celery`), the worker when it runs it (`leanops.tasks.heartbeat`). A
heartbeat older than a few ticks means that process is down or stuck.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from leanops.celery import app as celery_app
from leanops.models import Heartbeat

# The heartbeat task runs every minute (settings.CELERY_BEAT_SCHEDULE).
HEARTBEAT_STALE_AFTER = timedelta(minutes=3)
PROCESSES = {
    "beat": "Celery beat (the scheduler)",
    "worker": "the Celery worker",
}


def _error_text(error: Exception) -> str:
    detail = " ".join(str(error).split())[:200]
    return f"error: {error.__class__.__name__}" + (f": {detail}" if detail else "")


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure is "down", reported as text
        return _error_text(error)
    return "ok"


def broker_status() -> str:
    try:
        # The URL from settings, read per request, so a test can point it elsewhere.
        with celery_app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:  # noqa: BLE001
        return _error_text(error)
    return "ok"


@dataclass
class Health:
    database: str
    broker: str
    heartbeats: dict[str, dict] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        return {
            "status": "ok" if self.healthy else "error",
            "database": self.database,
            "broker": self.broker,
            "heartbeats": self.heartbeats,
            "problems": self.problems,
        }


def _minutes(age: timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    return "a minute" if minutes <= 1 else f"{minutes} minutes"


def health_check(*, now: datetime | None = None) -> Health:
    """Every part judged, with each problem said in words."""
    now = now or timezone.now()
    health = Health(database=database_status(), broker=broker_status())
    if health.database != "ok":
        health.problems.append(f"The database does not answer ({health.database}).")
    if health.broker != "ok":
        health.problems.append(
            f"The broker does not answer ({health.broker}). Pages still work; emails and "
            "imports are not queued and beat does not tick until it is back, then the "
            "ticks catch up."
        )
    if health.database != "ok":
        return health  # heartbeats live in the database
    seen = {beat.name: beat for beat in Heartbeat.objects.filter(name__in=PROCESSES)}
    for name, label in PROCESSES.items():
        beat = seen.get(name)
        if beat is None:
            health.heartbeats[name] = {"status": "missing"}
            health.problems.append(f"No heartbeat from {label} yet: is it running?")
            continue
        age = now - beat.last_seen
        stale = age > HEARTBEAT_STALE_AFTER
        health.heartbeats[name] = {
            "status": "stale" if stale else "ok",
            "last_seen": beat.last_seen.isoformat(),
            "age_seconds": int(age.total_seconds()),
            "hostname": beat.hostname,
        }
        if stale:
            health.problems.append(
                f"No heartbeat from {label} for {_minutes(age)} "
                f"(last at {beat.last_seen:%Y-%m-%d %H:%M} UTC): it is down or stuck."
            )
    return health
