"""The daily accountability rhythm in a browser: the coordinator logs today's
stand-up of Pumps Prospecting in place (attendance, an action, an impediment,
its escalation); the VSM answers the escalation and the answer is on the
team's impediment board (DOMAIN.md, "The daily accountability rhythm")."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from leanops.management.commands.seed_demo import DEMO_PASSWORD
from roles.models import Team, User
from standardwork.models import Action, Impediment
from standardwork.services import followup
from standardwork.services import standups as services

pytestmark = pytest.mark.e2e

TEAM = "Pumps Prospecting"
ACTION = "Send the pump sizing guide to Acme Water"
IMPEDIMENT = "CRM export times out over 500 rows"
REASON = "Needs a bigger CRM licence; the team has no budget for it"
ANSWER = "Approved: two more licences from the Q4 budget"


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def team(transactional_db, request):
    request.getfixturevalue("demo")
    # The demo works Monday to Friday; the test must not depend on the weekday it runs.
    Team.objects.update(working_days=[1, 2, 3, 4, 5, 6, 7])
    return Team.objects.get(name=TEAM)


def test_coordinator_logs_the_standup_in_place_and_the_vsm_answers_the_escalation(
    browser: Browser, live_server, team
):
    leader, member = User.objects.get(username="leader"), User.objects.get(username="member")
    coordinator = browser.new_context().new_page()
    log_in(coordinator, live_server.url, "coordinator")
    coordinator.get_by_role("navigation", name="Main").get_by_role("link", name="Stand-ups").click()
    coordinator.get_by_role("link", name=f"Today's stand-up for {TEAM}").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(f"Stand-up: {TEAM}")
    expect(coordinator.locator("[data-role=leader]")).to_have_text("James Whitaker")
    coordinator.evaluate("window.__noReload = 1")

    for person in (leader, member):
        box = coordinator.locator(f"#present-{person.pk}")
        state = coordinator.locator(f"#attendance-state-{person.pk}")
        if box.is_checked():  # the demo may have marked them already
            box.uncheck()
            expect(state).to_have_attribute("data-present", "no")
        box.check()
        expect(state).to_have_attribute("data-present", "yes")
    expect(coordinator.locator("#attendance-count")).to_contain_text("present")

    actions = coordinator.locator("#standup-actions")
    tomorrow = services.team_today(team) + timedelta(days=1)
    actions.get_by_label("Action", exact=True).fill(ACTION)
    actions.get_by_label("Owner").select_option(label="Chloe Bennett")
    actions.get_by_label("Due", exact=True).fill(tomorrow.isoformat())
    actions.get_by_role("button", name="Add action").click()
    new_actions = coordinator.get_by_role("list", name="New actions")
    expect(new_actions).to_contain_text(ACTION)
    expect(new_actions).to_contain_text("Chloe Bennett")

    impediments = coordinator.locator("#standup-impediments")
    impediments.get_by_label("Impediment", exact=True).fill(IMPEDIMENT)
    impediments.get_by_role("button", name="Raise impediment").click()
    card = coordinator.locator("#standup-impediments article", has_text=IMPEDIMENT)
    expect(card).to_have_attribute("data-state", "open")
    card.get_by_text("Escalate to the VSM").click()
    card.get_by_label("Why can the team not remove it?").fill(REASON)
    card.get_by_role("button", name="Escalate", exact=True).click()
    card = coordinator.locator("#standup-impediments article", has_text=IMPEDIMENT)
    expect(card).to_have_attribute("data-escalated", "yes")
    expect(card).to_contain_text("Escalated to Margaret Holloway by Sofia Marchetti")
    expect(card).to_contain_text(REASON)

    assert coordinator.evaluate("window.__noReload") == 1  # every change was swapped in place
    action = Action.objects.get(title=ACTION)
    assert (action.owner, action.due_date, action.standup.team) == (member, tomorrow, team)
    impediment = Impediment.objects.get(title=IMPEDIMENT)
    assert (impediment.escalated_to.username, impediment.escalation_reason) == ("vsm", REASON)

    vsm = browser.new_context().new_page()
    log_in(vsm, live_server.url, "vsm")
    vsm.get_by_role("navigation", name="Main").get_by_role("link", name="Escalations").click()
    escalation = vsm.locator(f"#impediment-{impediment.pk}")
    expect(escalation).to_contain_text(REASON)
    expect(escalation).to_contain_text(TEAM)
    waiting = vsm.locator("#escalations-waiting")
    before = waiting.locator("article").count()
    escalation.get_by_label("Your answer to the team").fill(ANSWER)
    escalation.get_by_role("button", name="Send answer").click()
    expect(escalation).to_have_attribute("data-answered", "yes")
    # It leaves "Waiting for an answer" at once, without a reload (issue 8, defect 16).
    expect(waiting.locator(f"#impediment-{impediment.pk}")).to_have_count(0)
    expect(waiting.get_by_role("heading", level=2)).to_have_text(
        f"Waiting for an answer ({before - 1})"
    )
    expect(vsm.locator(f"#escalations-answered #impediment-{impediment.pk}")).to_contain_text(
        ANSWER
    )

    coordinator.get_by_role("link", name="Impediment board").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(f"Impediments: {TEAM}")
    answered = coordinator.locator(f"#impediment-{impediment.pk}")
    expect(answered.locator(".imp-answer")).to_contain_text(
        f"Answer from Margaret Holloway on {services.team_today(team):%a} "
    )
    expect(answered.locator(".imp-answer")).to_contain_text(ANSWER)


def test_standup_page_and_impediment_board_fit_a_phone_and_a_desktop(
    browser: Browser, live_server, team
):
    """No sideways scrolling at 360px. LEANOPS_SCREENSHOTS=<dir> keeps the screenshots."""
    standup = services.standup_open_today(team=team)
    users = {user.username: user for user in User.objects.all()}
    coordinator, member = users["coordinator"], users["member"]
    services.standup_start(actor=coordinator, standup_id=standup.pk)
    services.standup_attendance_set(
        actor=coordinator, standup_id=standup.pk,
        present={users["leader"].pk: True, member.pk: False},
    )  # fmt: skip
    Action.objects.create(
        team=team, title="Follow up the Severn Water tender with the pump sizing sheet",
        owner=member, due_date=standup.date - timedelta(days=2),
    )  # fmt: skip
    followup.action_create(
        actor=coordinator, team=team, source=Action.Source.STANDUP, standup=standup,
        title=ACTION, owner=member,
        due_date=standup.date + timedelta(days=1),
    )  # fmt: skip
    services.impediment_raise(
        actor=member, team=team, title=IMPEDIMENT,
        description="Every export over 500 rows fails after 30 seconds",
    )  # fmt: skip
    escalated = services.impediment_raise(actor=member, team=team, title="No headsets for Ravi")
    services.impediment_escalate(actor=coordinator, impediment_id=escalated.pk, reason=REASON)
    services.impediment_answer(actor=users["vsm"], impediment_id=escalated.pk, answer=ANSWER)
    waiting = services.impediment_raise(actor=member, team=team, title="Printer out of toner")
    services.impediment_escalate(actor=coordinator, impediment_id=waiting.pk, reason=REASON)
    shots = os.environ.get("LEANOPS_SCREENSHOTS")
    pages = {
        "coordinator": {
            "standup": f"/standard-work/standups/{standup.pk}/",
            "impediments": f"/standard-work/teams/{team.pk}/impediments/",
            "standups": "/standard-work/standups/",
            "history": f"/standard-work/teams/{team.pk}/standups/",
        },
        "vsm": {"escalations": "/standard-work/escalations/"},
    }
    for size, viewport in {"phone": (360, 740), "desktop": (1280, 900)}.items():
        for who, paths in pages.items():
            context = browser.new_context(
                viewport={"width": viewport[0], "height": viewport[1]}, is_mobile=size == "phone"
            )
            page = context.new_page()
            log_in(page, live_server.url, who)
            for name, path in paths.items():
                page.goto(f"{live_server.url}{path}")
                page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")
                assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0], name
                if size == "phone":
                    assert_tap_targets(page, TAP_TARGETS[name])
                if shots:
                    Path(shots).mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=f"{shots}/{name}-{size}.png", full_page=True)
            context.close()


# What a TC (or the VSM) taps in the daily routine, per page: at least 44px tall.
TAP_TARGETS = {
    "standup": [
        "#standup-attendance input[type=checkbox]",
        "#standup-timer button",
        "#standup-actions .act-row button",
        "#standup-impediments .imp-actions button",
        "#standup-impediments .imp-actions summary",
        "#standup-actions form.su-action-form button",
        "#standup-impediments form.su-form button",
        "#standup-notes button",
    ],
    "impediments": [".imp-actions button", ".imp-actions summary"],
    "standups": [],
    "history": [],
    "escalations": [".imp-answer-form button", ".imp-actions button", ".imp-actions summary"],
}


def assert_tap_targets(page: Page, selectors: list[str]) -> None:
    for selector in selectors:
        heights = page.locator(selector).evaluate_all(
            "all => all.map(e => e.getBoundingClientRect().height)"
        )
        assert heights, f"nothing to tap: {selector}"
        assert min(heights) >= 44, f"{selector}: {heights}"


def test_the_timer_counts_down_from_the_start(browser: Browser, live_server, team):
    standup = services.standup_open_today(team=team)
    page = browser.new_context().new_page()
    log_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/standard-work/standups/{standup.pk}/")

    page.get_by_role("button", name="Start the stand-up").click()

    clock = page.get_by_role("timer")
    expect(clock).to_have_text(re.compile(r"^1[45]:\d\d$"))
    first = clock.inner_text()
    expect(clock).not_to_have_text(first, timeout=3000)  # the page's script keeps it going
    page.get_by_role("button", name="End the stand-up").click()
    expect(page.locator("#standup-timer")).to_have_attribute("data-state", "ended")
