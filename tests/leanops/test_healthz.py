"""/healthz judges the database, the broker and the beat and worker heartbeats,
and says what is wrong in words (503) instead of listing them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from leanops.celery import HEARTBEAT_TASK, record_beat_heartbeat
from leanops.models import Heartbeat
from leanops.services import heartbeat_record

pytestmark = pytest.mark.django_db


def _alive(*, beat_age=timedelta(0), worker_age=timedelta(0)):
    now = timezone.now()
    heartbeat_record(name="beat", hostname="scheduler-1")
    heartbeat_record(name="worker", hostname="worker-1")
    Heartbeat.objects.filter(name="beat").update(last_seen=now - beat_age)
    Heartbeat.objects.filter(name="worker").update(last_seen=now - worker_age)


def test_healthz_is_ok_when_database_broker_beat_and_worker_are_alive(client):
    _alive(beat_age=timedelta(seconds=30), worker_age=timedelta(seconds=50))

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["broker"], body["problems"]) == (
        "ok", "ok", "ok", [],
    )  # fmt: skip
    assert {name: beat["status"] for name, beat in body["heartbeats"].items()} == {
        "beat": "ok",
        "worker": "ok",
    }
    assert body["heartbeats"]["worker"]["hostname"] == "worker-1"


def test_a_dead_worker_makes_healthz_503_and_says_so(client):
    _alive(worker_age=timedelta(minutes=12))

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["heartbeats"]["worker"]["status"] == "stale"
    assert len(body["problems"]) == 1
    assert body["problems"][0].startswith(
        "No heartbeat from the Celery worker for 12 minutes (last at "
    )
    assert body["problems"][0].endswith("UTC): it is down or stuck.")


def test_a_dead_beat_makes_healthz_503_and_says_so(client):
    _alive(beat_age=timedelta(minutes=4))

    body = client.get("/healthz").json()

    assert body["heartbeats"]["beat"]["status"] == "stale"
    assert body["problems"][0].startswith(
        "No heartbeat from Celery beat (the scheduler) for 4 minutes"
    )


def test_a_heartbeat_just_within_three_ticks_is_still_ok(client):
    _alive(beat_age=timedelta(minutes=2, seconds=50), worker_age=timedelta(minutes=2, seconds=50))

    assert client.get("/healthz").status_code == 200


def test_no_heartbeat_yet_is_a_problem_named_by_process(client):
    heartbeat_record(name="worker")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["problems"] == [
        "No heartbeat from Celery beat (the scheduler) yet: is it running?"
    ]
    assert response.json()["heartbeats"]["beat"] == {"status": "missing"}


def test_healthz_reports_an_unreachable_broker_with_503_and_the_reason(client, settings):
    _alive()
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    # More than the exception's class: what failed.
    assert body["broker"].startswith("error: OperationalError: ")
    assert len(body["broker"]) > len("error: OperationalError: ")
    assert body["problems"] == [
        f"The broker does not answer ({body['broker']}). Pages still work; emails and "
        "imports are not queued and beat does not tick until it is back, then the ticks "
        "catch up."
    ]


def test_beat_records_its_heartbeat_when_it_publishes_the_heartbeat_task():
    record_beat_heartbeat(sender="standardwork.tasks.issue_due_checklists")
    assert not Heartbeat.objects.filter(name="beat").exists()

    record_beat_heartbeat(sender=HEARTBEAT_TASK)

    assert Heartbeat.objects.filter(name="beat").count() == 1


def test_heartbeat_task_keeps_one_row_per_name():
    from leanops.tasks import heartbeat

    heartbeat.delay(name="worker")
    heartbeat.delay(name="worker")

    assert Heartbeat.objects.filter(name="worker").count() == 1
