"""The daily pages on a phone (issue: first real use): no page a Team Leader, a
member, a Team Coordinator or a VSM uses every day scrolls sideways at 390 or 360 px, and
the Team Leader's first checklist item is on the first screen."""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page

from leanops.management.commands.seed_demo import DEMO_PASSWORD
from roles.models import Team, User, ValueStream
from standardwork.models import Impediment, Standup
from valuestream.models import Campaign, Handoff, WeeklyReview

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}


def _log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def _daily_pages() -> dict[str, list[str]]:
    """The pages each layer opens every day, from the demo's objects."""
    leader = User.objects.get(username="leader")
    team = Team.objects.get(memberships__user=leader)
    standup = Standup.objects.filter(team=team).order_by("-date").first()
    impediment = Impediment.objects.filter(team=team).order_by("-pk").first()
    pumps = ValueStream.objects.get(vsm__username="vsm")
    campaign = Campaign.objects.filter(team=team).order_by("pk").first()
    leader_pages = [
        reverse("standardwork:my_standard_work"),
        reverse("standardwork:person_adherence", args=[leader.pk]),
        reverse("standardwork:improvement"),
        reverse("valuestream:calls_today"),
        reverse("valuestream:campaign_list"),
        reverse("valuestream:campaign_detail", args=[campaign.pk]),
        reverse("valuestream:campaign_report", args=[campaign.pk]),
    ]
    # A member's day: their checklist and their calls (long e-mail addresses included),
    # and the demo's handoff they made, waiting for the receiving coordinator.
    handoff = Handoff.objects.filter(acknowledged_at__isnull=True).order_by("pk").first()
    member_pages = [
        reverse("standardwork:my_standard_work"),
        reverse("valuestream:calls_today"),
        reverse("valuestream:handoff_list"),
        reverse("valuestream:prospect_hand_off", args=[handoff.prospect_id]),
    ]
    coordinator_pages = [
        reverse("standardwork:my_standard_work"),
        reverse("standardwork:verify_board"),
        reverse("standardwork:standup_list"),
        reverse("standardwork:impediment_board"),
        reverse("standardwork:team_adherence", args=[team.pk]),
        reverse("standardwork:person_adherence", args=[leader.pk]),
        reverse("roles:team_detail", args=[team.pk]),
        reverse("valuestream:handoff_list"),  # the demo's handoff, to acknowledge
        reverse("valuestream:holiday_list"),
    ]
    if standup is not None:
        leader_pages.append(reverse("standardwork:standup_detail", args=[standup.pk]))
        coordinator_pages.append(reverse("standardwork:standup_detail", args=[standup.pk]))
    if impediment is not None:
        coordinator_pages.append(reverse("standardwork:impediment_detail", args=[impediment.pk]))
    vsm_pages = [
        reverse("standardwork:my_standard_work"),
        reverse("roles:value_stream_list"),
        reverse("roles:value_stream_detail", args=[pumps.pk]),
        reverse("standardwork:verify_board"),
        reverse("standardwork:escalations"),
        reverse("roles:team_list"),
        reverse("standardwork:team_adherence", args=[team.pk]),
        reverse("valuestream:dashboard"),
        reverse("valuestream:economics"),
        reverse("valuestream:holiday_list"),  # with the form to add one
        reverse("valuestream:review_list", args=[pumps.pk]),
        reverse(
            "valuestream:review_detail",
            args=[WeeklyReview.objects.filter(value_stream=pumps).latest("week_start").pk],
        ),
    ]
    return {
        "leader": leader_pages,
        "member": member_pages,
        "coordinator": coordinator_pages,
        "vsm": vsm_pages,
    }


def _overflow(page: Page) -> int:
    """How many pixels the page is wider than the screen (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


@pytest.mark.parametrize("viewport", [PHONE, SMALL_PHONE], ids=["390px", "360px"])
def test_no_daily_page_scrolls_sideways_on_a_phone(browser: Browser, live_server, demo, viewport):
    Team.objects.update(working_days=[1, 2, 3, 4, 5, 6, 7])  # whatever day the test runs
    wide: list[tuple[str, str, int]] = []
    for username, paths in _daily_pages().items():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        _log_in(page, live_server.url, username)
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, (username, path)
            overflow = _overflow(page)
            if overflow > 0:
                wide.append((username, path, overflow))
        context.close()

    assert wide == []


def test_the_first_checklist_item_is_on_the_first_screen_of_a_phone(
    browser: Browser, live_server, demo
):
    Team.objects.update(working_days=[1, 2, 3, 4, 5, 6, 7])
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    _log_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}{reverse('standardwork:my_standard_work')}")

    first_item = page.locator("ul.sw-checks li.sw-row").first
    box = first_item.bounding_box()

    assert box is not None
    assert box["y"] + box["height"] <= PHONE["height"]
    context.close()
