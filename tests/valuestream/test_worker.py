"""A real Celery worker runs the campaign engine's tick against the configured broker
(filesystem locally, Redis in CI) and sends the due emails exactly once, even when
the tick is delivered twice."""

import email
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime

import pytest
from celery import Celery
from django.conf import settings

from leanops.env import BASE_DIR, broker_from_url
from tests.leanops.test_worker import _broker_url, _test_database_url
from tests.valuestream.conftest import add_email, prospects
from valuestream.models import Enrollment, Step, StepExecution

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
TICK = "valuestream.tasks.run_due_campaign_steps"


def _sent(mail_dir) -> list[str]:
    """Recipients of the emails the file backend wrote (one file per connection)."""
    recipients = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                recipients.append(email.message_from_string(chunk.strip())["To"])
    return recipients


def test_a_real_worker_runs_the_tick_and_sends_each_email_once(tmp_path, org, campaign):
    # An auto-responder is due at once, whatever the worker's own clock says.
    add_email(campaign, org["leader"], kind=Step.Kind.AUTO_RESPONDER)
    people = prospects(org["team"], 5)
    long_ago = datetime(2020, 1, 6, 9, tzinfo=UTC)
    Enrollment.objects.bulk_create(
        Enrollment(campaign=campaign, prospect=p, next_step=campaign.steps.get(),
                   next_due_at=long_ago, enrolled_at=long_ago)
        for p in people
    )  # fmt: skip
    mail_dir = tmp_path / "mail"
    broker = _broker_url(tmp_path)
    queue = f"leanops-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": broker,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    log = tmp_path / "worker.log"
    with log.open("w") as log_file:
        worker = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "leanops", "worker",
                "--queues", queue, "--pool", "solo", "--loglevel", "INFO",
                "--without-mingle", "--without-gossip", "--without-heartbeat",
            ],
            cwd=BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        broker_url, transport_options = broker_from_url(broker)
        sender = Celery("leanops-test-sender", broker=broker_url)
        sender.conf.broker_transport_options = transport_options
        sender.conf.task_serializer = "json"
        for _ in range(2):  # delivered twice: the second finds nothing due
            sender.send_task(TICK, queue=queue)

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and worker.poll() is None:
            if log.read_text().count(f"Task {TICK}[") >= 4:  # received and succeeded, twice
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    output = log.read_text()
    assert output.count(" succeeded in ") == 2, output[-3000:]
    assert sorted(_sent(mail_dir)) == sorted(p.email for p in people)
    assert StepExecution.objects.filter(status="sent").count() == 5
    assert set(Enrollment.objects.values_list("status", flat=True)) == {"finished"}
    assert settings.CELERY_BROKER_URL  # the configured broker, or its filesystem stand-in
