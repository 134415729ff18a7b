"""Login throttling (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one
account or from one address refuse both for LOGIN_COOLOFF_MINUTES, on the
site's login page and the admin's, with a page saying so and a log line."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.roles.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
ELSEWHERE = "198.51.100.9"
LIMIT = settings.AXES_FAILURE_LIMIT
COOL_OFF = settings.AXES_COOLOFF_TIME
LOCKED_MESSAGE = (
    f"Logging in is paused after {LIMIT} wrong passwords. "
    f"Try again in {int(COOL_OFF.total_seconds() // 60)} minutes."
)


@pytest.fixture(autouse=True)
def no_slowdown(settings):
    """These tests are about the lockout: the slow-down before it, which refuses a
    quick next try, is tested in test_login_slowdown.py."""
    settings.LOGIN_SLOWDOWN_AFTER = settings.AXES_FAILURE_LIMIT


@pytest.fixture(autouse=True)
def people():
    UserFactory(username="leader")
    UserFactory(username="member")
    UserFactory(username="admin", is_staff=True, is_superuser=True)


def client_from(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def log_in(client: Client, username: str, password: str, url: str = "/login/"):
    return client.post(url, {"username": username, "password": password})


def fail(client: Client, username: str, times: int, url: str = "/login/") -> None:
    for _ in range(times):
        log_in(client, username, "not-the-password", url)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_after_too_many_wrong_ones_is_refused_with_a_message():
    attacker = client_from(ATTACKER)
    fail(attacker, "leader", LIMIT)

    response = log_in(attacker, "leader", PASSWORD)

    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.content.decode()
    assert "registration/locked_out.html" in [template.name for template in response.templates]
    back = '<a class="button" href="/login/">Back to the login page</a>'
    assert back in response.content.decode()
    assert not signed_in(attacker)


def test_one_wrong_password_fewer_than_the_limit_still_lets_the_right_one_in():
    person = client_from(ATTACKER)
    fail(person, "leader", LIMIT - 1)

    response = log_in(person, "leader", PASSWORD)

    assert response.status_code == 302
    assert signed_in(person)
    # A successful login forgets the failures before it.
    assert AccessAttempt.objects.count() == 0


def test_another_account_from_another_address_still_logs_in():
    fail(client_from(ATTACKER), "leader", LIMIT)
    colleague = client_from(ELSEWHERE)

    response = log_in(colleague, "member", PASSWORD)

    assert response.status_code == 302
    assert signed_in(colleague)


def test_the_locked_account_is_refused_from_every_address():
    fail(client_from(ATTACKER), "leader", LIMIT)
    owner = client_from(ELSEWHERE)

    response = log_in(owner, "leader", PASSWORD)

    assert response.status_code == 429
    assert not signed_in(owner)


def test_the_locked_address_is_refused_for_every_account():
    attacker = client_from(ATTACKER)
    fail(attacker, "leader", LIMIT)

    response = log_in(attacker, "member", PASSWORD)

    assert response.status_code == 429
    assert not signed_in(attacker)


def test_after_the_cool_off_the_right_password_logs_in(fixed_clock):
    fail(client_from(ATTACKER), "leader", LIMIT)
    fixed_clock.shift(COOL_OFF + timedelta(minutes=1))
    owner = client_from(ELSEWHERE)

    response = log_in(owner, "leader", PASSWORD)

    assert response.status_code == 302
    assert signed_in(owner)


def test_the_admin_login_is_throttled_too():
    attacker = client_from(ATTACKER)
    admin_login = reverse("admin:login")
    fail(attacker, "admin", LIMIT, admin_login)

    response = log_in(attacker, "admin", PASSWORD, admin_login)

    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.content.decode()
    back = f'<a class="button" href="{admin_login}">Back to the login page</a>'
    assert back in response.content.decode()
    assert not signed_in(attacker)


def test_a_lockout_is_logged_with_the_account_and_the_address(caplog):
    caplog.set_level(logging.WARNING, logger="axes")

    fail(client_from(ATTACKER), "leader", LIMIT)

    lockouts = [r.getMessage() for r in caplog.records if "Locking out" in r.getMessage()]
    assert len(lockouts) == 1
    assert 'username: "leader"' in lockouts[0]
    assert f'ip_address: "{ATTACKER}"' in lockouts[0]


def test_behind_a_trusted_proxy_the_throttle_counts_each_forwarded_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    fail(attacker, "leader", LIMIT)
    colleague = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)

    response = log_in(colleague, "member", PASSWORD)

    assert response.status_code == 302
    assert signed_in(colleague)
    assert log_in(attacker, "member", PASSWORD).status_code == 429
