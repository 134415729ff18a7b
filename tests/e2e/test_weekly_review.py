"""The VSM's week in a browser: `vsm` lands on the weekly dashboard, drills down to
a team and a person, opens the prepared weekly review, records a decision and an
action for the Team Leader; `leader` finds the action on their page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from roles.models import Team
from standardwork.models import Action
from tests.e2e.test_standups import log_in
from valuestream.models import ReviewNote

pytestmark = pytest.mark.e2e

TEAM = "Pumps Prospecting"
DECISION = "Pumps Prospecting keeps the 9:00-11:00 call block"
ACTION = "Write the call block into the team's standard work"


@pytest.fixture
def demo_week(transactional_db, request):
    request.getfixturevalue("demo")
    # The demo works Monday to Friday; the test must not depend on the weekday it runs.
    Team.objects.update(working_days=[1, 2, 3, 4, 5, 6, 7])


def test_vsm_reviews_the_week_and_the_leader_finds_the_action(
    browser: Browser, live_server, demo_week
):
    vsm = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(vsm, live_server.url, "vsm")
    expect(vsm.get_by_role("heading", level=1)).to_have_text("Weekly dashboard")
    expect(vsm.get_by_role("heading", name="Standard-work adherence")).to_be_visible()
    # The demo's campaigns on the dashboard: their funnels and the value stream's money.
    expect(vsm.get_by_role("heading", name="Funnel by campaign")).to_be_visible()
    expect(vsm.get_by_role("link", name="Pump Expo 2026 follow-up")).to_be_visible()
    expect(vsm.get_by_role("heading", name="Budget and ROI", exact=True)).to_be_visible()
    # On paper: no menu, and each panel ends its (landscape) page.
    vsm.emulate_media(media="print")
    assert vsm.evaluate(
        "() => [getComputedStyle(document.querySelector('.topbar')).display,"
        " getComputedStyle(document.querySelector('.vs-panel')).breakAfter]"
    ) == ["none", "page"]
    vsm.emulate_media(media="screen")

    # Drill down: the team's results, then a person with open reds.
    vsm.get_by_role("link", name=TEAM, exact=True).first.click()
    expect(vsm.get_by_role("heading", level=1)).to_have_text(f"Standard work of {TEAM}")
    vsm.go_back()
    person = vsm.locator(".vs-list a[href*='/people/']").first
    name = person.inner_text()
    person.click()
    expect(vsm.get_by_role("heading", level=1)).to_contain_text(name)
    vsm.go_back()

    # The prepared review, beside its frozen agenda.
    vsm.get_by_role("link", name="This week's review").click()
    expect(vsm.get_by_role("heading", level=1)).to_have_text("Weekly review of Industrial Pumps")
    expect(vsm.get_by_text("The agenda as prepared")).to_be_visible()

    vsm.locator("#id_note_kind").select_option("decision")
    vsm.locator("#id_note_text").fill(DECISION)
    vsm.get_by_role("button", name="Record").click()
    expect(vsm.get_by_text("Decision recorded.")).to_be_visible()
    expect(vsm.locator(".vs-notes-decision")).to_contain_text(DECISION)

    team = Team.objects.get(name=TEAM)
    vsm.locator("#id_action_team").select_option(str(team.pk))
    vsm.locator("#id_action_title").fill(ACTION)
    vsm.locator("#id_action_owner").select_option(label="James Whitaker")
    due = timezone.localdate() + timedelta(days=7)
    vsm.locator("#id_action_due_date").fill(due.isoformat())
    vsm.get_by_role("button", name="Give the action").click()
    expect(vsm.get_by_text("Action for James Whitaker recorded")).to_be_visible()

    assert ReviewNote.objects.filter(kind="decision", text=DECISION).exists()
    action = Action.objects.get(title=ACTION)
    assert (action.source, action.owner.username) == (Action.Source.WEEKLY_REVIEW, "leader")

    leader = browser.new_context().new_page()
    log_in(leader, live_server.url, "leader")
    expect(leader.get_by_role("list", name="My open actions")).to_contain_text(ACTION)
