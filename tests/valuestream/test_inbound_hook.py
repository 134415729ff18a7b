"""The mail provider's reply and bounce webhook: signed with INBOUND_HOOK_SECRET, no login."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.valuestream.conftest import add_email, at, enroll, prospects
from valuestream.forms.inbound import inbound_signature
from valuestream.models import Enrollment, Prospect
from valuestream.services import campaigns as campaign_services

pytestmark = pytest.mark.django_db
NOW = "2026-11-25 10:00"
SECRET = "hook-secret-for-tests"
URL = reverse("valuestream:inbound_hook")


@pytest.fixture(autouse=True)
def hook_secret(settings):
    settings.INBOUND_HOOK_SECRET = SECRET


@pytest.fixture
def hook():
    """A client as the provider: no session, CSRF checks on (the hook is exempt)."""
    return Client(enforce_csrf_checks=True)


def post(hook, payload, *, secret=SECRET, signature=None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"X-LeanOps-Signature": signature or inbound_signature(body, secret)}
    return hook.post(URL, body, content_type="application/json", headers=headers)


@pytest.fixture
def enrolled(org, campaign):
    """Ada in two campaigns of North, and Ben in one."""
    add_email(campaign, org["leader"], delay=2)
    second = campaign_services.campaign_create(
        actor=org["leader"], team=org["team"], value_stream=org["pumps"], name="Webinar",
        event_kind="webinar", event_name="Pumps 101", event_date=at(NOW).date(),
    )  # fmt: skip
    add_email(second, org["leader"], delay=1)
    ada, ben = prospects(org["team"], 2)
    ada.email, ben.email = "Ada@Hydro.example", "ben@hydro.example"
    Prospect.objects.bulk_update([ada, ben], ["email"])
    enroll(campaign, [ada, ben], at(NOW))
    enroll(second, [ada], at(NOW))
    return ada, ben


def states(prospect):
    return sorted(Enrollment.objects.filter(prospect=prospect).values_list("status", "stop_reason"))


def test_a_signed_reply_stops_every_sequence_of_that_address(hook, enrolled):
    ada, ben = enrolled

    response = post(hook, {"event": "reply", "email": "ada@hydro.example"})

    assert (response.status_code, response.json()) == (200, {"stopped": 2})
    assert states(ada) == [("stopped", "replied"), ("stopped", "replied")]
    assert states(ben) == [("active", "")]


def test_a_signed_bounce_stops_the_sequences_and_marks_the_address(hook, enrolled):
    ada, _ = enrolled

    response = post(hook, {"event": "bounce", "email": "ada@hydro.example"})

    ada.refresh_from_db()
    assert (response.status_code, response.json()) == (200, {"stopped": 2})
    assert states(ada) == [("stopped", "bounced"), ("stopped", "bounced")]
    assert ada.bounced_at is not None
    assert ada.opted_out_at is None


def test_the_same_event_twice_changes_nothing_the_second_time(hook, enrolled):
    ada, _ = enrolled
    post(hook, {"event": "bounce", "email": "ada@hydro.example"})
    ada.refresh_from_db()
    first_bounce = ada.bounced_at

    again = post(hook, {"event": "bounce", "email": "ada@hydro.example"})
    reply = post(hook, {"event": "reply", "email": "ada@hydro.example"})

    ada.refresh_from_db()
    assert (again.json(), reply.json()) == ({"stopped": 0}, {"stopped": 0})
    assert ada.bounced_at == first_bounce
    assert states(ada) == [("stopped", "bounced"), ("stopped", "bounced")]


@pytest.mark.parametrize(
    "signature",
    ["sha256=" + "0" * 64, "", "not-hex", "SIGNED-WITH-ANOTHER-SECRET"],
    ids=["wrong", "missing", "garbage", "other-secret"],
)
def test_a_wrong_signature_is_refused_with_403_and_nothing_is_written(hook, enrolled, signature):
    ada, _ = enrolled
    body = json.dumps({"event": "reply", "email": "ada@hydro.example"}).encode()
    if signature == "SIGNED-WITH-ANOTHER-SECRET":
        signature = inbound_signature(body, "another-secret")
    headers = {"X-LeanOps-Signature": signature} if signature else {}

    response = hook.post(URL, body, content_type="application/json", headers=headers)

    assert (response.status_code, response.json()) == (
        403, {"error": "The signature does not match."},
    )  # fmt: skip
    assert states(ada) == [("active", ""), ("active", "")]


def test_without_a_secret_set_every_call_is_refused(hook, enrolled, settings):
    ada, _ = enrolled
    settings.INBOUND_HOOK_SECRET = ""
    body = json.dumps({"event": "reply", "email": "ada@hydro.example"}).encode()

    signed_with_empty = post(hook, body, secret="")
    unsigned = hook.post(URL, body, content_type="application/json")

    assert (signed_with_empty.status_code, unsigned.status_code) == (403, 403)
    assert states(ada) == [("active", ""), ("active", "")]


def test_a_signature_over_another_body_does_not_pass(hook, enrolled):
    ada, ben = enrolled
    signed_for_ben = inbound_signature(
        json.dumps({"event": "reply", "email": "ben@hydro.example"}).encode(), SECRET
    )

    response = post(
        hook, {"event": "reply", "email": "ada@hydro.example"}, signature=signed_for_ben
    )

    assert response.status_code == 403
    assert states(ada) == [("active", ""), ("active", "")]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"not json", 'The body is a JSON object: {"event": "reply" or "bounce", "email": "..."}.'),
        (
            b'["reply"]',
            'The body is a JSON object: {"event": "reply" or "bounce", "email": "..."}.',
        ),
        (
            {"event": "click", "email": "ada@hydro.example"},
            'event: The event is "reply" or "bounce".',
        ),
        ({"event": "reply", "email": "not an address"}, "email: Enter a valid email address."),
        ({"event": "reply"}, "email: This field is required."),
        ({"event": "reply", "email": ["ada@hydro.example"]}, "email: This field is required."),
    ],
    ids=["not-json", "not-an-object", "unknown-event", "bad-email", "no-email", "email-a-list"],
)
def test_a_signed_but_bad_body_is_refused_with_400_and_the_reason(hook, enrolled, body, error):
    ada, _ = enrolled

    response = post(hook, body)

    assert (response.status_code, response.json()) == (400, {"error": error})
    assert states(ada) == [("active", ""), ("active", "")]


def test_an_unknown_address_is_answered_200_and_nothing_is_written(hook, enrolled):
    ada, ben = enrolled

    response = post(hook, {"event": "bounce", "email": "nobody@hydro.example"})

    assert (response.status_code, response.json()) == (
        200, {"stopped": 0, "detail": "No prospect has this address."},
    )  # fmt: skip
    assert Prospect.objects.filter(bounced_at__isnull=False).count() == 0


def test_the_hook_answers_only_post(hook):
    assert hook.get(URL).status_code == 405
