"""A refusal reaches an htmx request too: the message is swapped into the
page's messages area and the page stays as it was."""

import re

import pytest
from playwright.sync_api import Page, expect

from roles.models import Team
from tests.e2e.test_menu import log_in

pytestmark = pytest.mark.e2e


def test_a_refused_htmx_request_shows_its_message_in_the_page(page: Page, live_server, demo):
    team = Team.objects.get(memberships__user__username="member", kind=Team.Kind.SALES_MARKETING)
    log_in(page, live_server.url, "member")
    page.goto(f"{live_server.url}/teams/")

    page.evaluate(
        "url => htmx.ajax('GET', url, {target: 'main', swap: 'innerHTML'})",
        f"/teams/{team.pk}/edit/",
    )

    expect(page.locator("#messages [role=alert]")).to_have_text(re.compile(r"\w+"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Teams")
    assert page.url.endswith("/teams/")
