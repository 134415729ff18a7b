"""A database that is down or restarting is a 503 saying the service is briefly
unavailable (templates/503.html), never a traceback or a 500; and a broker that is
down does not fail the request that queued work on commit."""

import logging

import pytest
from django.db import InterfaceError, OperationalError, transaction
from django.test import Client
from django.urls import path

from leanops import urls as project_urls
from leanops.base.queue import enqueue_on_commit
from leanops.tasks import heartbeat
from leanops.views import UNAVAILABLE


def _database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


def _connection_closed(request):
    raise InterfaceError("connection already closed")


def _bug(request):
    raise ValueError("a plain bug")


urlpatterns = [
    path("gone/", _database_gone),
    path("closed/", _connection_closed),
    path("bug/", _bug),
    *project_urls.urlpatterns,
]
handler500 = project_urls.handler500
with_failing_views = pytest.mark.urls(__name__)


@with_failing_views
@pytest.mark.parametrize("url", ["/gone/", "/closed/"])
def test_a_database_connection_error_is_a_503_page_saying_so(url, caplog):
    client = Client(raise_request_exception=False)

    with caplog.at_level(logging.WARNING, logger="leanops.views"):
        response = client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    body = response.content.decode()
    assert "<h1>Briefly unavailable</h1>" in body
    assert UNAVAILABLE in body
    assert "Traceback" not in body
    assert [r.getMessage().split(" (")[0] for r in caplog.records if r.name == "leanops.views"] == [
        "The database is unavailable"
    ]


@with_failing_views
def test_an_htmx_request_gets_the_unavailable_message_in_the_messages_area():
    client = Client(raise_request_exception=False)

    response = client.post("/gone/", headers={"HX-Request": "true"})

    assert response.status_code == 503
    assert response["HX-Retarget"] == "#messages"
    assert response.content.decode() == (
        f'<ul class="messages"><li class="message error" role="alert">{UNAVAILABLE}</li></ul>'
    )


@with_failing_views
def test_any_other_error_stays_a_500():
    client = Client(raise_request_exception=False)

    response = client.get("/bug/")

    assert response.status_code == 500


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_is_down_does_not_fail_the_commit_that_queued_work(monkeypatch, caplog):
    from kombu.exceptions import OperationalError as BrokerUnavailable

    def refused(**kwargs):
        raise BrokerUnavailable("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    # What publishing raises once kombu's retries against a stopped Redis run out
    # (tests/faults/ stops a real one).
    monkeypatch.setattr(heartbeat, "delay", refused)

    with caplog.at_level(logging.ERROR, logger="leanops.base.queue"), transaction.atomic():
        enqueue_on_commit("leanops.tasks.heartbeat", name="queued-while-down")

    assert [r.getMessage() for r in caplog.records if r.name == "leanops.base.queue"] == [
        "The broker is unreachable: leanops.tasks.heartbeat({'name': 'queued-while-down'}) "
        "was not queued"
    ]
