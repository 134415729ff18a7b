"""PostgreSQL restarted while gunicorn serves: during the restart a request gets a
503 page saying the service is briefly unavailable (not a traceback, not a 500), and
after it the same gunicorn workers serve again, on new connections (persistent
connections with CONN_HEALTH_CHECKS), without restarting the app."""

import json
import re

import pytest

from tests.faults.servers import Browser, django_script, start_gunicorn, stop_process

pytestmark = pytest.mark.faults

PAGE = "/standard-work/"
HTMX = {"HX-Request": "true"}
WORKERS = 2


def _tick_url(page: str) -> str:
    return re.search(r"/standard-work/checks/\d+/tick/", page).group(0)


def test_a_database_restart_is_a_503_page_during_it_and_nothing_after_it(
    postgres, fault_env, tmp_path
):
    password = django_script(fault_env, "rhythm_seed", enrollments=0)["password"]
    log = tmp_path / "gunicorn.log"
    gunicorn, url = start_gunicorn(fault_env, log, workers=WORKERS)
    try:
        member = Browser(url)
        member.login("member", password)
        # Both workers hold a persistent connection (CONN_MAX_AGE) before the restart.
        before = [member.request(PAGE)[0] for _ in range(6)]

        postgres.stop(mode="fast")  # the clients' connections are cut
        try:
            page_status, page, page_seconds = member.request(PAGE)
            tick_status, tick, _ = member.request(
                "/standard-work/checks/1/tick/", data={}, headers=HTMX
            )
            health_status, health, _ = member.request("/healthz")
        finally:
            postgres.start()

        after = [member.request(PAGE) for _ in range(6)]
        tick_after = member.request(_tick_url(after[0][1]), data={}, headers=HTMX)
        health_after = member.request("/healthz")
        alive = gunicorn.poll() is None
    finally:
        stop_process(gunicorn)
    output = log.read_text()

    assert before == [200] * 6, output[-3000:]
    assert page_status == 503
    assert "<h1>Briefly unavailable</h1>" in page
    assert "The service is briefly unavailable. Please try again in a moment." in page
    assert "Traceback" not in page
    assert page_seconds < 5
    assert tick_status == 503
    assert tick == (
        '<ul class="messages"><li class="message error" role="alert">'
        "The service is briefly unavailable. Please try again in a moment.</li></ul>"
    )
    assert health_status == 503
    assert json.loads(health)["problems"][0].startswith("The database does not answer (error: ")

    assert [status for status, _, _ in after] == [200] * 6, output[-3000:]
    assert tick_after[0] == 200
    assert json.loads(health_after[1])["database"] == "ok"
    # The same gunicorn and the same workers: nothing was restarted.
    assert alive
    assert output.count("Booting worker with pid") == WORKERS
    assert " 500 " not in output
    assert "The database is unavailable (OperationalError: " in output
    # One line per failed request, no traceback (leanops.log_filters).
    assert "Traceback" not in output
