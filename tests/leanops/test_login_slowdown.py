"""Password guessing is slowed before it is locked out: from the LOGIN_SLOWDOWN_AFTER-th
wrong password on, the next try for that account or from that address waits
LOGIN_SLOWDOWN_SECONDS, doubling with each further failure; a try too soon is refused
with 429, unchecked and uncounted (leanops.middleware.login_slowdown)."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.test import Client

from tests.conftest import test_now
from tests.roles.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
ELSEWHERE = "198.51.100.9"
AFTER = settings.LOGIN_SLOWDOWN_AFTER
FIRST_WAIT = settings.LOGIN_SLOWDOWN_SECONDS


@pytest.fixture
def fixed_clock():
    """The suite's clock, standing still here: the waits are counted to the second
    (Retry-After rounds up), and on a slow or busy machine the time between two
    requests ate into them (a 4-second wait once read 3)."""
    with time_machine.travel(test_now(), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def people():
    UserFactory(username="leader")
    UserFactory(username="member")
    UserFactory(username="admin", is_staff=True, is_superuser=True)


def log_in(client: Client, username: str, password: str, url: str = "/login/"):
    return client.post(url, {"username": username, "password": password})


def failures(username: str) -> int:
    return (
        AccessAttempt.objects.filter(username=username).aggregate(n=Sum("failures_since_start"))[
            "n"
        ]
        or 0
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_defaults_slow_from_the_third_wrong_password_for_five_seconds():
    assert (AFTER, FIRST_WAIT, settings.AXES_FAILURE_LIMIT) == (3, 5, 5)


def test_after_three_wrong_passwords_the_right_one_at_once_is_refused_unchecked():
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(AFTER):
        assert log_in(attacker, "leader", "not-the-password").status_code == 200

    response = log_in(attacker, "leader", PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == "5"
    assert (
        "Several wrong passwords in a row: wait 5 seconds before trying again. "
        "That password was not checked."
    ) in response.content.decode()
    assert not signed_in(attacker)
    assert failures("leader") == AFTER  # the refused try was not counted


def test_after_the_wait_the_right_password_logs_in(fixed_clock):
    person = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(AFTER):
        log_in(person, "leader", "not-the-password")
    fixed_clock.shift(timedelta(seconds=FIRST_WAIT + 1))

    response = log_in(person, "leader", PASSWORD)

    assert response.status_code == 302
    assert signed_in(person)


def test_each_further_wrong_password_doubles_the_wait_until_the_lockout(fixed_clock):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(AFTER):
        log_in(attacker, "leader", "not-the-password")
    fixed_clock.shift(timedelta(seconds=FIRST_WAIT + 1))
    assert log_in(attacker, "leader", "not-the-password").status_code == 200  # the 4th

    fixed_clock.shift(timedelta(seconds=FIRST_WAIT + 1))
    too_soon = log_in(attacker, "leader", "not-the-password")
    fixed_clock.shift(timedelta(seconds=2 * FIRST_WAIT))
    fifth = log_in(attacker, "leader", "not-the-password")
    then = log_in(attacker, "leader", PASSWORD)

    assert (too_soon.status_code, too_soon["Retry-After"]) == (429, "4")
    assert fifth.status_code == 429  # the fifth wrong password: axes' lockout
    assert "Logging in is paused after 5 wrong passwords" in then.content.decode()
    assert not signed_in(attacker)


def test_another_account_from_another_address_is_not_slowed():
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(AFTER):
        log_in(attacker, "leader", "not-the-password")
    colleague = Client(REMOTE_ADDR=ELSEWHERE)

    response = log_in(colleague, "member", PASSWORD)

    assert response.status_code == 302
    assert signed_in(colleague)


def test_the_slowed_account_is_slowed_from_every_address():
    for _ in range(AFTER):
        log_in(Client(REMOTE_ADDR=ATTACKER), "leader", "not-the-password")

    response = log_in(Client(REMOTE_ADDR=ELSEWHERE), "leader", PASSWORD)

    assert response.status_code == 429


def test_the_admin_login_is_slowed_too():
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(AFTER):
        log_in(attacker, "admin", "not-the-password", "/admin/login/")

    response = log_in(attacker, "admin", PASSWORD, "/admin/login/")

    assert response.status_code == 429
    assert not signed_in(attacker)
