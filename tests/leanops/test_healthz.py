import pytest

from leanops.services import heartbeat_record

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker_as_json(client):
    heartbeat_record(name="beat", hostname="worker-1")

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert list(body["heartbeats"]) == ["beat"]
    assert body["heartbeats"]["beat"]["age_seconds"] == 0


def test_healthz_reports_an_unreachable_broker_with_503(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error: ")


def test_heartbeat_task_keeps_one_row_per_name():
    from leanops.models import Heartbeat
    from leanops.tasks import heartbeat

    heartbeat.delay(name="beat")
    heartbeat.delay(name="beat")

    assert Heartbeat.objects.filter(name="beat").count() == 1
