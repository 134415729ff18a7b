"""Redis stopped: pages and the checklist tick from the page still work on a real
gunicorn, /healthz says in words that the broker is down, and once Redis is back the
beat ticks (reconciliation) produce what was missed: today's checklists, the
stand-up and the campaign emails."""

import json
import re

import pytest
from celery import Celery

from tests.faults.scenario import sent_emails
from tests.faults.servers import (
    Browser,
    django_script,
    start_gunicorn,
    start_worker,
    stop_process,
    wait_for,
)

pytestmark = pytest.mark.faults

PAGE = "/standard-work/"
HTMX = {"HX-Request": "true"}
TICKS = [
    "standardwork.tasks.issue_due_checklists",
    "standardwork.tasks.open_due_standups",
    "valuestream.tasks.run_due_campaign_steps",
]


def test_with_redis_stopped_pages_work_and_the_ticks_catch_up_when_it_is_back(
    redis_server, fault_env, tmp_path
):
    seed = django_script(fault_env, "rhythm_seed", enrollments=5)
    web_log, worker_log = tmp_path / "gunicorn.log", tmp_path / "worker.log"
    gunicorn, url = start_gunicorn(fault_env, web_log)
    try:
        # Given Redis (broker and cache) stopped, so beat's ticks never reach a worker...
        redis_server.stop()
        try:
            member = Browser(url)
            member.login("member", seed["password"])
            # ...the member's page still works (it issues today's checklist itself)...
            page_status, page, page_seconds = member.request(PAGE)
            tick_url = re.search(r"/standard-work/checks/\d+/tick/", page).group(0)
            tick_status, tick, tick_seconds = member.request(tick_url, data={}, headers=HTMX)
            health_status, health, _ = member.request("/healthz")
            # ...and so does an upload, whose import task cannot be queued on commit.
            leader = Browser(url)
            leader.login("leader", seed["password"])
            upload_status, _, upload_seconds = leader.request(
                f"/value-stream/campaigns/{seed['campaign']}/import/",
                files={"file": ("expo.csv", b"Email\nada@hydro.example\n")},
            )
            during = django_script(fault_env, "rhythm_report")
        finally:
            redis_server.start()
    finally:
        stop_process(gunicorn)

    assert (page_status, tick_status) == (200, 200), web_log.read_text()[-3000:]
    assert "Log call outcomes" in page
    assert tick_url.replace("/tick/", "/undo/") in tick  # the row, ticked
    assert max(page_seconds, tick_seconds) < 5
    # Stored and answered (to its progress page); requeue_stranded_imports runs it later.
    assert upload_status == 302
    assert upload_seconds < 10
    assert during["imports"] == ["queued"]
    assert "The broker is unreachable: valuestream.tasks.run_prospect_import(" in (
        web_log.read_text()
    )
    body = json.loads(health)
    assert health_status == 503
    assert body["database"] == "ok"
    assert body["broker"].startswith("error: OperationalError: ")
    assert body["problems"][0] == (
        f"The broker does not answer ({body['broker']}). Pages still work; emails and "
        "imports are not queued and beat does not tick until it is back, then the ticks "
        "catch up."
    )
    # Nothing but the member's own page happened while the broker was down.
    assert (during["checklists"], during["standups"], during["executions"]) == (["member"], [], {})
    assert during["done"] == [["member", "Log call outcomes"]]

    # When Redis is back, beat's next ticks reach a worker and make up for the outage.
    worker = start_worker(fault_env, worker_log)
    try:
        sender = Celery("leanops-faults-sender", broker=fault_env["CELERY_BROKER_URL"])
        sender.conf.task_serializer = "json"
        # The URL explicitly: Celery prefers a CELERY_BROKER_URL in this process's own
        # environment (CI sets one, for the shared Redis) to the app's broker argument.
        with sender.connection_for_write(url=fault_env["CELERY_BROKER_URL"]) as connection:
            for tick in TICKS:
                sender.send_task(tick, connection=connection)
        wait_for(
            "the ticks",
            lambda: worker_log.read_text().count(" succeeded in ") >= len(TICKS)
            or worker.poll() is not None,
            timeout=90, log=worker_log,
        )  # fmt: skip
    finally:
        stop_process(worker)

    after = django_script(fault_env, "rhythm_report")
    assert after["checklists"] == ["leader", "member"], worker_log.read_text()[-3000:]
    assert after["standups"] == ["North"]
    assert after["executions"] == {"sent": 5}
    assert sorted(sent_emails(fault_env["EMAIL_FILE_PATH"])) == sorted(seed["prospects"])
