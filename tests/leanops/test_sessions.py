"""A session ends after SESSION_IDLE_MINUTES without a request; an active
person's session is renewed at most every SESSION_REFRESH_MINUTES, so an
ordinary request writes nothing (leanops.middleware)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.roles.factories import UserFactory

pytestmark = pytest.mark.django_db

IDLE = timedelta(minutes=settings.SESSION_IDLE_MINUTES)
REFRESH = timedelta(minutes=settings.SESSION_REFRESH_MINUTES)


@pytest.fixture
def person_client(client):
    person = UserFactory(username="leader")
    client.force_login(person)
    client.page = reverse("roles:person_detail", args=[person.pk])
    assert client.get(client.page).status_code == 200
    return client


def test_a_session_idle_longer_than_the_idle_time_is_signed_out(person_client, fixed_clock):
    fixed_clock.shift(IDLE + timedelta(minutes=1))

    response = person_client.get(person_client.page)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={person_client.page}"


def test_a_session_used_within_the_idle_time_stays_signed_in_past_it(person_client, fixed_clock):
    for _ in range(3):
        fixed_clock.shift(IDLE - timedelta(minutes=1))
        response = person_client.get(person_client.page)
        assert response.status_code == 200


def test_the_first_page_after_signing_in_writes_no_session(client):
    person = UserFactory(username="member")
    client.force_login(person)
    expiry_at_login = Session.objects.get().expire_date

    response = client.get(reverse("roles:person_detail", args=[person.pk]))

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert Session.objects.get().expire_date == expiry_at_login


def test_a_request_within_the_refresh_interval_writes_no_session(person_client, fixed_clock):
    expiry_before = Session.objects.get().expire_date
    fixed_clock.shift(REFRESH - timedelta(seconds=30))

    response = person_client.get(person_client.page)

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert Session.objects.get().expire_date == expiry_before


def test_the_first_request_after_the_refresh_interval_renews_the_session(
    person_client, fixed_clock
):
    expiry_before = Session.objects.get().expire_date
    fixed_clock.shift(REFRESH + timedelta(seconds=1))

    response = person_client.get(person_client.page)

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert Session.objects.get().expire_date > expiry_before
