"""Each layer lands on its own page; every organisation page keeps a fixed
number of queries however large the organisation grows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roles.demo import organisation_seed
from roles.models import Team, User, ValueStream
from tests.roles.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    """The demo organisation alone: these pages are about the organisation, and
    the standard-work history (seconds to build) would only slow them down."""
    organisation_seed(password="demo-password-1")


@pytest.mark.parametrize(
    ("username", "landing"),
    [
        ("vsm", "/value-stream/dashboard/"),
        ("coordinator", "/coordinator/"),
        ("leader", "/standard-work/"),
        ("member", "/standard-work/"),
        ("marcom", "/marketing-communication/"),
        ("admin", "/admin/"),
    ],
)
def test_each_layer_lands_on_its_own_page(client, demo, username, landing):
    client.force_login(User.objects.get(username=username))

    response = client.get("/")

    assert response.status_code == 302
    assert response.url == landing
    assert client.get(landing).status_code == 200


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/teams/")

    assert response.status_code == 302
    assert response.url == "/login/?next=/teams/"


def test_wrong_login_says_so_without_naming_the_wrong_part(client, demo):
    response = client.post("/login/", {"username": "leader", "password": "wrong"})

    assert response.status_code == 200
    assert b"Your username and password did not match." in response.content
    assert b"leader" in response.content  # the username stays filled in
    assert "_auth_user_id" not in client.session


def _grow(value_stream: ValueStream, teams: int, people: int) -> None:
    for _ in range(teams):
        team = TeamFactory(value_streams=[value_stream])
        for _ in range(people):
            MembershipFactory(team=team)


def _pumps_url() -> str:
    pumps = ValueStream.objects.get(vsm__username="vsm")
    return reverse("roles:value_stream_detail", args=[pumps.pk])


PAGES = [
    ("vsm", lambda: reverse("roles:value_stream_list")),
    ("vsm", lambda: reverse("roles:team_list")),
    ("vsm", lambda: reverse("roles:team_detail", args=[Team.objects.order_by("pk").first().pk])),
    ("vsm", _pumps_url),
    ("coordinator", lambda: reverse("roles:coordinator_home")),
    ("leader", lambda: reverse("standardwork:my_standard_work")),
    ("marcom", lambda: reverse("roles:marcom_home")),
    ("vsm", lambda: reverse("roles:person_detail", args=[User.objects.get(username="leader").pk])),
]  # fmt: skip


@pytest.mark.parametrize(("username", "url"), PAGES)
def test_page_queries_do_not_grow_with_the_organisation(client, demo, username, url):
    client.force_login(User.objects.get(username=username))
    path = url()
    client.get(path)  # a working day's first visit issues the checklist; measure after it
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200

    _grow(ValueStream.objects.get(vsm__username="vsm"), teams=6, people=8)
    with CaptureQueriesContext(connection) as large:
        assert client.get(path).status_code == 200

    assert len(large) == len(small)
    assert len(small) <= 14
