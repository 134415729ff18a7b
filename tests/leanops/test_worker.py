"""A real Celery worker, started as a subprocess against the configured broker
(the filesystem transport locally, Redis in CI), runs a task whose effect
lands in the test database."""

import os
import subprocess
import sys
import time
import uuid
from urllib.parse import quote

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from leanops.env import BASE_DIR, broker_from_url
from leanops.models import Heartbeat

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _test_database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"])
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _broker_url(tmp_path) -> str:
    # The filesystem broker gets a folder of its own, so a `make run` worker
    # on var/broker never takes this test's message.
    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        return f"filesystem://{tmp_path}/broker"
    return settings.CELERY_BROKER_URL


def test_real_worker_runs_a_task_and_its_effect_is_in_the_database(tmp_path):
    broker = _broker_url(tmp_path)
    queue = f"leanops-test-{uuid.uuid4().hex[:12]}"
    marker = f"worker-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "CELERY_BROKER_URL": broker}
    log = tmp_path / "worker.log"
    with log.open("w") as log_file:
        worker = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "leanops", "worker",
                "--queues", queue, "--pool", "solo", "--loglevel", "INFO",
                "--without-mingle", "--without-gossip", "--without-heartbeat",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        broker_url, transport_options = broker_from_url(broker)
        sender = Celery("leanops-test-sender", broker=broker_url)
        sender.conf.broker_transport_options = transport_options
        sender.conf.task_serializer = "json"
        sender.send_task("leanops.tasks.heartbeat", kwargs={"name": marker}, queue=queue)

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and worker.poll() is None:
            if Heartbeat.objects.filter(name=marker).exists():
                break
            time.sleep(0.5)

        heartbeat = Heartbeat.objects.filter(name=marker).first()
        assert heartbeat is not None, log.read_text()[-3000:]
        assert heartbeat.hostname != ""
        # The row came from the worker we started, which is still serving.
        assert worker.poll() is None, log.read_text()[-3000:]
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    # The worker logged the task as run by it, and shut down warmly on SIGTERM.
    output = log.read_text()
    assert "Task leanops.tasks.heartbeat[" in output
    assert " succeeded in " in output, output[-3000:]
    assert worker.returncode == 0, output[-3000:]
