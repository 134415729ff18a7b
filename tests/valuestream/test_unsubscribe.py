"""The one-click unsubscribe: works without login, cannot be forged for another address."""

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from tests.valuestream.conftest import add_email, at, enroll, prospects
from valuestream.models import Enrollment
from valuestream.services import engine
from valuestream.services import prospects as prospect_services

pytestmark = pytest.mark.django_db
URL = reverse("valuestream:unsubscribe")


def test_the_emailed_link_unsubscribes_with_one_post_and_no_login(org, campaign):
    add_email(campaign, org["leader"])
    add_email(campaign, org["leader"], delay=1)
    (prospect,) = prospects(org["team"], 1)
    enroll(campaign, [prospect], at("2026-11-25 10:00"))
    engine.campaign_steps_run_due(now=at("2026-11-25 10:00"))
    header = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    client = Client(enforce_csrf_checks=True)

    page = client.get(header)
    one_click = client.post(header, {"List-Unsubscribe": "One-Click"})

    assert page.status_code == 200 and prospect.email in page.content.decode()
    assert one_click.status_code == 200
    prospect.refresh_from_db()
    assert prospect.opted_out
    assert Enrollment.objects.get().stop_reason == "opted_out"


def test_a_get_alone_changes_nothing(org):
    (prospect,) = prospects(org["team"], 1)

    Client().get(URL, {"t": prospect_services.unsubscribe_token(prospect)})

    prospect.refresh_from_db()
    assert not prospect.opted_out


def test_a_token_cannot_be_forged_for_another_address(org):
    mine, theirs = prospects(org["team"], 2)
    token = prospect_services.unsubscribe_token(mine)
    other_key = signing.dumps(
        {"p": theirs.pk, "e": theirs.email}, salt=prospect_services.UNSUBSCRIBE_SALT, key="guess"
    )
    other_salt = signing.dumps({"p": theirs.pk, "e": theirs.email}, salt="another-purpose")
    payload, _, signature = token.partition(":")
    their_payload = signing.b64_encode(
        f'{{"p":{theirs.pk},"e":"{theirs.email}"}}'.encode()
    ).decode()
    swapped = f"{their_payload}:{signature}"

    answers = [
        Client().post(URL + f"?t={bad}").status_code
        for bad in [other_key, other_salt, swapped, payload, "x"]
    ]

    assert answers == [400, 400, 400, 400, 400]
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert not theirs.opted_out and not mine.opted_out


def test_a_token_stops_working_when_the_address_changes(org):
    (prospect,) = prospects(org["team"], 1)
    token = prospect_services.unsubscribe_token(prospect)
    prospect.email = "new@example.net"
    prospect.save()

    assert Client().post(URL + f"?t={token}").status_code == 400
