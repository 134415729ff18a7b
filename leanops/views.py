from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from leanops.celery import app as celery_app
from leanops.models import Heartbeat


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure is "down", reported as text
        return f"error: {error.__class__.__name__}"
    return "ok"


def _broker_status() -> str:
    try:
        # The URL from settings, read per request, so a test can point it elsewhere.
        with celery_app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:  # noqa: BLE001
        return f"error: {error.__class__.__name__}"
    return "ok"


def _heartbeats(database_ok: bool) -> dict:
    if not database_ok:
        return {}
    now = timezone.now()
    return {
        beat.name: {
            "last_seen": beat.last_seen.isoformat(),
            "age_seconds": int((now - beat.last_seen).total_seconds()),
        }
        for beat in Heartbeat.objects.all()
    }


@never_cache
@require_GET
def healthz(request):
    """Database and broker status as JSON; 503 when either is down."""
    database = _database_status()
    broker = _broker_status()
    healthy = database == "ok" and broker == "ok"
    body = {
        "status": "ok" if healthy else "error",
        "database": database,
        "broker": broker,
        "heartbeats": _heartbeats(database == "ok"),
    }
    return JsonResponse(body, status=200 if healthy else 503)
