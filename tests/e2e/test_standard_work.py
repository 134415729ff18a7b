"""The layered standard work loop in a browser: a Team Leader ticks and misses,
their coordinator asks for a countermeasure, the leader records it, and the
board turns green (DOMAIN.md, "Leader standard work, layered")."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from roles.models import Layer, Team, User
from standardwork.models import Check, StandardWorkTemplate, TemplateItem
from standardwork.services import checklists as checklist_services
from standardwork.services import templates as template_services

try:
    from leanops.management.commands.seed_demo import DEMO_PASSWORD
except ImportError:  # before the command moved
    from roles.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

REASON = "Waiting for someone or something"
NOTE = "The call list export was late"
ASK = "Pull the call list the evening before"
COUNTERMEASURE = "Export runs at 18:00 the day before"


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _every_day_is_a_working_day() -> None:
    # The demo works Monday to Friday; the test must not depend on the weekday it runs.
    Team.objects.update(working_days=[1, 2, 3, 4, 5, 6, 7])


def _ensure_today(username: str, layer: str, titles: list[str], *, kind=TemplateItem.Kind.DO):
    """Today's checklist with open items of `kind`, from the seed's templates where it has them."""
    person = User.objects.get(username=username)
    checklist = checklist_services.checklist_issue_today(user=person)
    open_checks = checklist.checks.filter(status=Check.Status.OPEN) if checklist else []
    wanted = len(titles) if kind == TemplateItem.Kind.DO else 1
    if checklist is not None and open_checks.filter(item__kind=kind).count() >= wanted:
        return
    if checklist is not None:
        checklist.delete()
    if not StandardWorkTemplate.objects.filter(
        layer=layer, name__startswith="Browser test"
    ).exists():
        template_services.template_create(
            actor=User.objects.get(username="admin"),
            name=f"Browser test {layer}",
            layer=layer,
            items=[template_services.ItemSpec(title=title, kind=kind) for title in titles],
        )
    checklist_services.checklist_issue_today(user=person)


@pytest.fixture
def standard_work(transactional_db, request):
    request.getfixturevalue("demo")
    _every_day_is_a_working_day()
    _ensure_today(
        "leader",
        Layer.TL,
        ["Head the daily stand-up", "Check call-list progress", "Review call outcomes", "Coach"],
    )
    _ensure_today(
        "coordinator",
        Layer.TC,
        ["Verify the Team Leaders' standard work"],
        kind=TemplateItem.Kind.VERIFY,
    )


def open_leaders_day(page: Page) -> None:
    """On the board's week grid, open the leader's latest day (today) in place."""
    cell = page.locator('tr[data-person="leader"] td a').last
    cell.click()
    expect(page.locator("#board-day .sw-person")).to_be_visible()


def test_leader_ticks_and_misses_coordinator_asks_leader_records_board_turns_green(
    browser: Browser, live_server, standard_work
):
    leader = browser.new_context().new_page()
    log_in(leader, live_server.url, "leader")
    expect(leader).to_have_url(re.compile(r"/standard-work/$"))
    today = leader.locator("section[aria-labelledby='today-heading']")
    ids = today.locator("li.sw-row[data-status='open']").evaluate_all(
        "rows => rows.map(row => row.id)"
    )
    assert len(ids) >= 4
    ticked, missed = ids[:3], ids[3]
    progress = today.locator("#progress")
    done_before = int(re.match(r"(\d+) of", progress.inner_text()).group(1))
    leader.evaluate("window.__noReload = 1")

    for n, row_id in enumerate(ticked):
        row = leader.locator(f"#{row_id}")
        done = row.get_by_role("button", name=re.compile(r"^Done"))
        if n == 0:  # keyboard alone is enough
            done.focus()
            leader.keyboard.press("Enter")
        else:
            done.click()
        expect(row).to_have_attribute("data-status", "done")
    expect(progress).to_contain_text(f"{done_before + 3} of")
    row = leader.locator(f"#{missed}")
    row.get_by_role("link", name=re.compile(r"^Missed")).click()
    row.get_by_label("Reason", exact=True).select_option(label=REASON)
    row.get_by_label("What happened").fill(NOTE)
    row.get_by_role("button", name="Save miss").click()
    expect(row).to_have_attribute("data-status", "missed")
    expect(progress).to_contain_text("missed")

    assert leader.evaluate("window.__noReload") == 1  # every change was swapped in place
    leader.reload()
    for row_id in ticked:
        expect(leader.locator(f"#{row_id}")).to_have_attribute("data-status", "done")
    expect(leader.locator(f"#{missed}")).to_have_attribute("data-status", "missed")
    expect(leader.locator(f"#{missed}")).to_contain_text(f"Missed: {REASON}. {NOTE}")

    coordinator = browser.new_context().new_page()
    log_in(coordinator, live_server.url, "coordinator")
    coordinator.goto(f"{live_server.url}/standard-work/")
    coordinator.get_by_role("link", name="Verification board").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Verification board")
    open_leaders_day(coordinator)
    cell = coordinator.locator(f"#board-{missed}")
    expect(cell).to_have_attribute("data-colour", "red")
    expect(cell).to_contain_text(REASON)
    expect(cell).to_contain_text(NOTE)
    for row_id in ticked:
        expect(coordinator.locator(f"#board-{row_id}")).to_have_attribute("data-colour", "green")
    cell.get_by_text("Ask for a countermeasure").click()
    cell.get_by_label("What countermeasure do you ask for?").fill(ASK)
    cell.get_by_role("button", name="Ask for countermeasure").click()
    cell = coordinator.locator(f"#board-{missed}")
    expect(cell).to_have_attribute("data-verification", "requested")
    expect(cell).to_have_attribute("data-colour", "red")
    expect(cell).to_contain_text(ASK)

    leader.goto(f"{live_server.url}/standard-work/")
    request = leader.locator(f"#countermeasure-{missed.removeprefix('check-')}")
    expect(request).to_contain_text(ASK)
    request.get_by_label("Countermeasure", exact=True).fill(COUNTERMEASURE)
    request.get_by_role("button", name="Record countermeasure").click()
    expect(request).to_contain_text(f"Countermeasure recorded: {COUNTERMEASURE}")

    coordinator.reload()
    open_leaders_day(coordinator)
    cell = coordinator.locator(f"#board-{missed}")
    expect(cell).to_have_attribute("data-colour", "green")
    expect(cell).to_contain_text(f"Countermeasure: {COUNTERMEASURE}")
    cell.get_by_text(re.compile(r"^History")).click()
    expect(cell.locator(".sw-history li")).to_have_text(
        [
            re.compile(r"^Missed by James Whitaker"),
            re.compile(r"^Countermeasure asked for by Sofia Marchetti"),
            re.compile(r"^Countermeasure recorded by James Whitaker"),
        ]
    )


def test_standard_work_and_the_board_fit_a_phone_screen(
    browser: Browser, live_server, standard_work
):
    for username, path in [
        ("leader", "/standard-work/"),
        ("coordinator", "/standard-work/verify/"),
    ]:
        context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
        page = context.new_page()
        log_in(page, live_server.url, username)
        page.goto(f"{live_server.url}{path}")
        page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")

        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        context.close()


# What a person taps on My standard work every day: at least 44px tall.
MY_TAP_TARGETS = [".sw-row .sw-actions button", ".sw-row a.sw-missed"]


def _overlaps(page: Page, first: str, second: str) -> bool:
    return page.evaluate(
        """([a, b]) => {
            const boxes = [...document.querySelectorAll(a)].map(e => e.getBoundingClientRect());
            const line = document.querySelector(b).getBoundingClientRect();
            return boxes.some(box => box.left < line.right && line.left < box.right
                && box.top < line.bottom && line.top < box.bottom);
        }""",
        [first, second],
    )


def test_my_standard_work_fits_a_phone(browser: Browser, live_server, standard_work):
    """At 390x844 the first item is on the first screen, the buttons over the date do not
    cover it, and tick and missed are 44px tall; at 360px nothing of a leader's pages
    scrolls sideways. LEANOPS_SCREENSHOTS=<dir> keeps the screenshots."""
    shots = os.environ.get("LEANOPS_SCREENSHOTS")
    leader = User.objects.get(username="leader")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    log_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/standard-work/")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/my-standard-work-390.png")

    first = page.locator(".sw-checks .sw-row").first
    box = first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844, box
    assert not _overlaps(page, ".page-head .actions a", ".sw-date")
    for selector in MY_TAP_TARGETS:
        heights = page.locator(selector).evaluate_all(
            "all => all.map(e => e.getBoundingClientRect().height)"
        )
        assert heights and min(heights) >= 44, f"{selector}: {heights}"

    page.set_viewport_size({"width": 360, "height": 740})
    for name, path in {
        "my-standard-work": "/standard-work/",
        "my-results": f"/standard-work/people/{leader.pk}/",
        "leave": "/standard-work/leave/",
        "templates": "/standard-work/templates/",
    }.items():
        page.goto(f"{live_server.url}{path}")
        wider = page.evaluate(
            """() => [...document.querySelectorAll("body *")]
                .filter(e => e.getBoundingClientRect().right > 360.5)
                .map(e => `${e.tagName}.${e.className} ${e.getBoundingClientRect().right}`)"""
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, (name, wider[:8])
        if shots:
            page.screenshot(path=f"{shots}/{name}-360.png", full_page=True)
    context.close()
