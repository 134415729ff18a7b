"""A Celery worker killed with SIGKILL in the middle of a campaign batch: after a
restart every due step runs exactly once, no email sent twice and none lost. The
worker, the database (PostgreSQL) and the broker (Redis) are real and our own
(tests/faults/servers.py)."""

import signal
import uuid

import pytest
from celery import Celery

from tests.faults.scenario import sent_emails
from tests.faults.servers import django_script, start_worker, stop_process, wait_for

pytestmark = pytest.mark.faults

TICK = "valuestream.tasks.run_due_campaign_steps"
PROSPECTS = 60
KILLED_AT = 20  # the email the killed worker was sending


def _send_tick(env: dict, queue: str) -> None:
    sender = Celery("leanops-faults-sender", broker=env["CELERY_BROKER_URL"])
    sender.conf.task_serializer = "json"
    # The URL explicitly: Celery prefers a CELERY_BROKER_URL in this process's own
    # environment (CI sets one, for the shared Redis) to the app's broker argument.
    with sender.connection_for_write(url=env["CELERY_BROKER_URL"]) as connection:
        sender.send_task(TICK, queue=queue, connection=connection)


def test_a_worker_killed_mid_batch_sends_every_due_email_exactly_once_after_a_restart(
    fault_env, tmp_path
):
    addresses = django_script(fault_env, "campaign_seed", enrollments=PROSPECTS)
    mail_dir = fault_env["EMAIL_FILE_PATH"]
    queue = f"leanops-faults-{uuid.uuid4().hex[:12]}"
    first_log, second_log = tmp_path / "worker-1.log", tmp_path / "worker-2.log"

    # Given a worker that hangs in the middle of its batch, in the send of email 20...
    first = start_worker(
        {**fault_env, "EMAIL_BACKEND": "tests.faults.mail.StallingEmailBackend",
         "FAULTS_MAIL_STALL_AFTER": str(KILLED_AT)},
        first_log, queues=queue,
    )  # fmt: skip
    try:
        _send_tick(fault_env, queue)
        wait_for(
            f"{KILLED_AT} campaign emails",
            lambda: len(sent_emails(mail_dir)) >= KILLED_AT or first.poll() is not None,
            timeout=90, log=first_log,
        )  # fmt: skip
        # ...when it is killed there, with no chance to clean up,
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        stop_process(first, sig=signal.SIGKILL)
    assert first.returncode == -signal.SIGKILL, first_log.read_text()[-3000:]
    assert len(sent_emails(mail_dir)) == KILLED_AT
    # 20 handed to the mail server (the 20th in flight), the rest of the batch only claimed.
    assert django_script(fault_env, "campaign_report") == {
        "executions": {"sending": KILLED_AT, "claimed": PROSPECTS - KILLED_AT},
        "enrollments": {"active": PROSPECTS},
    }

    # ...then after a restart (its claims count as abandoned at once, not after 10
    # minutes, so the test need not wait) the next tick finishes the batch.
    second = start_worker({**fault_env, "VALUESTREAM_STALE_CLAIM_SECONDS": "0"}, second_log,
                          queues=queue)  # fmt: skip
    try:
        _send_tick(fault_env, queue)
        wait_for(
            "the tick after the restart",
            lambda: " succeeded in " in second_log.read_text() or second.poll() is not None,
            timeout=90, log=second_log,
        )  # fmt: skip
    finally:
        stop_process(second)

    # Every prospect got the email exactly once: none twice, none lost.
    assert sorted(sent_emails(mail_dir)) == sorted(addresses)
    assert django_script(fault_env, "campaign_report") == {
        # Those handed over when the worker died are "sent, not confirmed": never resent.
        "executions": {"sent": PROSPECTS - KILLED_AT, "unconfirmed": KILLED_AT},
        "enrollments": {"finished": PROSPECTS},
    }
    assert f"Task {TICK}[" in second_log.read_text()
