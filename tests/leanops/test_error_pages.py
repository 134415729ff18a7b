"""Refusals one way: a PermissionDenied or Http404 raised anywhere is shown by
templates/403.html and 404.html, in the layout for a page and as a fragment
for htmx; an ordinary refusal logs one line, no traceback."""

import logging
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import path

from leanops import urls as project_urls
from roles.demo import organisation_seed
from roles.models import Team, User

pytestmark = pytest.mark.django_db

REFUSAL = "Only the team's coordinator starts its stand-up."
HTMX = {"HX-Request": "true"}


def _refuse(request):
    raise PermissionDenied(REFUSAL)


# This module doubles as a URLconf: the project's URLs and handlers, plus a view
# that refuses with a service's message (tests marked `urls(__name__)`).
urlpatterns = [path("refuse/", _refuse), *project_urls.urlpatterns]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
with_refusing_view = pytest.mark.urls(__name__)


@pytest.fixture
def demo():
    organisation_seed(password="demo-password-1")


@pytest.fixture
def member(client, demo):
    user = User.objects.get(username="member")
    client.force_login(user)
    return user


@with_refusing_view
def test_a_refused_page_shows_the_services_message_inside_the_layout(client, member):
    response = client.get("/refuse/")

    assert response.status_code == 403
    html = response.content.decode()
    assert "<html" in html
    assert 'aria-label="Main"' in html  # the app's layout, with its menu
    assert "<h1>Not allowed</h1>" in html
    assert REFUSAL.replace("'", "&#x27;") in html


@with_refusing_view
def test_a_refused_htmx_request_gets_a_fragment_aimed_at_the_messages_area(client, member):
    response = client.get("/refuse/", headers=HTMX)

    assert response.status_code == 403
    html = response.content.decode()
    assert "<html" not in html
    assert "<h1>" not in html
    assert html.strip().startswith('<ul class="messages">')
    assert REFUSAL.replace("'", "&#x27;") in html
    assert response["HX-Retarget"] == "#messages"
    assert response["HX-Reswap"].startswith("innerHTML")
    assert response["HX-Push-Url"] == "false"


@with_refusing_view
def test_a_refusal_logs_one_warning_line_and_no_traceback(client, member, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/refuse/")

    records = [record for record in caplog.records if record.name == "django.request"]
    assert [(record.levelname, record.getMessage()) for record in records] == [
        ("WARNING", "Forbidden (Permission denied): /refuse/")
    ]
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_a_refused_change_on_a_real_page_writes_nothing(client, member):
    team = Team.objects.get(memberships__user=member, kind=Team.Kind.SALES_MARKETING)
    before = (team.name, team.standup_time)

    response = client.post(f"/teams/{team.pk}/edit/", {"name": "Renamed"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Not allowed</h1>" in html
    assert re.search(r'<li class="message error" role="alert">[^<]+</li>', html)
    team.refresh_from_db()
    assert (team.name, team.standup_time) == before


def test_a_missing_page_shows_its_message_inside_the_layout(client, member):
    response = client.get("/marketing-communication/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<html" in html
    assert "<h1>Not found</h1>" in html
    assert "You are not in the Marketing Communication department." in html


def test_a_missing_page_for_htmx_is_a_fragment(client, member):
    response = client.get("/marketing-communication/", headers=HTMX)

    assert response.status_code == 404
    html = response.content.decode()
    assert "<html" not in html
    assert "You are not in the Marketing Communication department." in html
    assert response["HX-Retarget"] == "#messages"


def test_an_unknown_address_says_so_without_naming_the_urls_tried(client, member):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "There is nothing at this address." in html
    assert "tried" not in html


def test_a_missing_page_logs_no_traceback(client, member, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/marketing-communication/")

    records = [record for record in caplog.records if record.name == "django.request"]
    assert [record.getMessage() for record in records] == ["Not Found: /marketing-communication/"]
    assert records[0].exc_info is None
