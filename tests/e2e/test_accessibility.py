"""Accessibility kept (issue 12, item 8): axe-core finds no WCAG 2.1 A or AA violation
on any page a demo user opens in a day, on a laptop (1280x800) and on a phone (390x844).

The pages are the user's whole menu (so a page added to the menu is checked the
day it appears) and the pages those lead to every day: a campaign, its funnel
report, a stand-up, an impediment, the weekly reviews. One test per demo user,
so the demo is seeded once per user. axe-core comes bundled in the PyPI package
axe-playwright-python and is injected into the page: nothing is fetched.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Browser, Page

from leanops.management.commands.seed_demo import DEMO_PASSWORD
from leanops.navigation import landing_url, menu
from roles.models import Team, User, ValueStream
from standardwork.models import Impediment, Standup
from valuestream.models import Campaign, WeeklyReview

pytestmark = pytest.mark.e2e

VIEWPORTS = {"1280x800": {"width": 1280, "height": 800}, "390x844": {"width": 390, "height": 844}}
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_21_AA},
    "resultTypes": ["violations"],
}
DEMO_USERS = ["leader", "member", "coordinator", "vsm", "marcom"]


def _log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def _daily_pages(username: str) -> list[str]:
    """The login page, the user's landing page and menu, and the pages they lead to."""
    user = User.objects.get(username=username)
    pages = ["/login/", landing_url(user)]
    pages += [link.url for group in menu(user) for link in group.links]
    pumps = ValueStream.objects.get(vsm__username="vsm")
    team = Team.objects.get(memberships__user__username="leader")
    campaign = Campaign.objects.filter(team=team).order_by("pk").first()
    standup = Standup.objects.filter(team=team).order_by("-date").first()
    impediment = Impediment.objects.filter(team=team).order_by("-pk").first()
    review = WeeklyReview.objects.filter(value_stream=pumps).order_by("-week_start").first()
    campaign_pages = [
        reverse("valuestream:campaign_detail", args=[campaign.pk]),
        reverse("valuestream:campaign_report", args=[campaign.pk]),
    ]
    review_pages = [
        reverse("valuestream:review_list", args=[pumps.pk]),
        reverse("valuestream:review_detail", args=[review.pk]),
    ]
    extra = {
        "leader": [
            *campaign_pages,
            *review_pages,
            reverse("standardwork:standup_detail", args=[standup.pk]),
            reverse("standardwork:person_adherence", args=[user.pk]),
        ],
        "member": [*campaign_pages, reverse("standardwork:standup_detail", args=[standup.pk])],
        "coordinator": [
            *campaign_pages,
            reverse("standardwork:standup_detail", args=[standup.pk]),
            reverse("standardwork:impediment_detail", args=[impediment.pk]),
            reverse("standardwork:team_adherence", args=[team.pk]),
            reverse("roles:team_detail", args=[team.pk]),
        ],
        "vsm": [
            *campaign_pages,
            *review_pages,
            reverse("roles:value_stream_detail", args=[pumps.pk]),
            reverse("valuestream:value_stream_dashboard", args=[pumps.pk]),
            reverse("standardwork:team_adherence", args=[team.pk]),
        ],
        "marcom": review_pages,
    }[username]
    return list(dict.fromkeys(pages + extra))  # once each, in order


def _violations(page: Page, path: str, viewport: str) -> list[str]:
    results = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{viewport} {path}: {violation['id']} at {node['target']}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("username", DEMO_USERS)
def test_no_daily_page_has_a_wcag_21_aa_violation(browser: Browser, live_server, demo, username):
    Team.objects.update(working_days=[1, 2, 3, 4, 5, 6, 7])  # today is a working day
    paths = _daily_pages(username)
    found: list[str] = []
    for viewport_name, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        found += _violations(page, "/login/", viewport_name)
        _log_in(page, live_server.url, username)
        for path in paths[1:]:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, (username, path)
            found += _violations(page, path, viewport_name)
        context.close()

    assert found == [], "\n".join(found)
