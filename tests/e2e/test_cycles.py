"""A PDCA cycle in a browser: the demo team's leader plans a cycle on the team's
standard work, moves it through Do and Check to Act, adopts it with one item
changed, and finds the new standard-work version linked to the cycle
(DOMAIN.md, "Improvement: PDCA and SDCA")."""

import os
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from roles.models import Layer, Team, User
from standardwork import calendar
from standardwork.models import Cycle, Measurement, TemplateItem
from standardwork.services import cycles as cycle_services
from standardwork.services import templates as template_services

try:
    from leanops.management.commands.seed_demo import DEMO_PASSWORD
except ImportError:  # before the command moved
    from roles.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

TEAM = "Pumps Prospecting"
STANDARD = "Pumps Prospecting Team Leader routine"
OLD_TITLE = "Head the daily stand-up"
NEW_TITLE = "Head the daily stand-up with yesterday's call outcomes on the board"
# Set LEANOPS_SCREENSHOTS=/some/dir to keep screenshots of the pages at phone and desktop size.
SCREENSHOTS = os.environ.get("LEANOPS_SCREENSHOTS")


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def team_standard(transactional_db, request):
    """The demo plus standard work of the leader's own team, which a cycle may change."""
    request.getfixturevalue("demo")
    return template_services.template_create(
        actor=User.objects.get(username="admin"),
        name=STANDARD,
        layer=Layer.TL,
        team=Team.objects.get(name=TEAM),
        items=[
            template_services.ItemSpec(
                OLD_TITLE, expected_minutes=15, kind=TemplateItem.Kind.ATTEND
            ),
            template_services.ItemSpec("Check call-list progress", expected_minutes=10),
        ],
    )


def test_leader_walks_a_pdca_cycle_from_plan_to_adopt_and_sees_the_new_standard(
    browser: Browser, live_server, team_standard
):
    page = browser.new_context().new_page()
    log_in(page, live_server.url, "leader")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Improvement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Improvement: {TEAM}")

    # Plan
    page.get_by_role("link", name="Start a cycle").click()
    page.get_by_label("Title").fill("Shorter stand-ups")
    page.get_by_label("Problem").fill("Stand-ups run 25 minutes: call outcomes are looked up live")
    page.get_by_label("Hypothesis").fill("If outcomes are logged before, stand-ups take 15 minutes")
    page.get_by_label("Target").fill("Stand-ups of 15 minutes or less")
    page.get_by_label("Standard work").select_option(label=f"{STANDARD} (Team Leader, {TEAM})")
    page.get_by_role("button", name="Start in Plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shorter stand-ups")
    phase = page.locator(".cy-phases [aria-current='step']")
    expect(phase).to_have_text("Plan")
    page.evaluate("window.__noReload = 1")

    # Do: one action
    action = page.get_by_role("group", name="Action 1")
    action.get_by_label("Action").fill("Log yesterday's call outcomes by 08:45")
    action.get_by_label("Owner").select_option(label="Chloe Bennett")
    due = calendar.team_today(Team.objects.get(name=TEAM)) + timedelta(days=2)
    action.get_by_label("Due").fill(due.isoformat())
    page.get_by_role("button", name="Move to Do").click()
    expect(phase).to_have_text("Do")
    expect(page.locator("#cycle").get_by_role("status")).to_have_text("Moved to Do.")
    expect(page.locator(".cy-action")).to_contain_text("Log yesterday's call outcomes by 08:45")

    # Check: the result
    page.get_by_label("What do the results show?").fill("Stand-ups took 14 minutes on average")
    page.get_by_role("button", name="Move to Check").click()
    expect(phase).to_have_text("Check")
    expect(page.get_by_text("Stand-ups took 14 minutes on average")).to_be_visible()

    # Act, and adopt with one item changed
    page.get_by_role("button", name="Move to Act").click()
    expect(phase).to_have_text("Act")
    assert page.evaluate("window.__noReload") == 1  # every step was swapped in place
    page.get_by_role("link", name="Adopt: change the standard").click()
    item = page.get_by_role("group", name="Item 1")
    expect(item.get_by_label("Title")).to_have_value(OLD_TITLE)
    item.get_by_label("Title").fill(NEW_TITLE)
    page.get_by_role("button", name="Adopt as version 2").click()

    expect(page.locator(".cy-phases [aria-current='step']")).to_have_text("Closed")
    expect(page.get_by_role("heading", name="Outcome: Adopt: the standard changes")).to_be_visible()
    page.get_by_role("link", name=f"{STANDARD}, version 2").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(STANDARD)
    current = page.locator("section.card").first
    expect(current.get_by_role("heading", level=2)).to_have_text("Version 2 (current)")
    expect(current).to_contain_text("Adopted from PDCA cycle: Shorter stand-ups")
    expect(current.get_by_role("cell", name=NEW_TITLE)).to_be_visible()
    current.get_by_role("link", name="see why the standard changed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shorter stand-ups")
    cycle = Cycle.objects.get(title="Shorter stand-ups")
    assert cycle.adopted_versions.get().number == 2


@pytest.fixture
def chart_data(team_standard):
    """A cycle in Check with a control point of 30 working days of calls up to yesterday.

    The first 20 give X̄ 40.2, limits 29.42-50.98; then 18 (rule 1 and the set limit)
    and a shift up: 45, 58, 46, 48, 47 fire rules 1-4. Six signals.
    """
    team = Team.objects.get(name=TEAM)
    leader = User.objects.get(username="leader")
    cycle = cycle_services.cycle_start(
        actor=leader, team=team, title="More connected calls per day", standard=team_standard,
        problem="Connect rate fell from 30% to 18%", hypothesis="Calls before 10:00 connect more",
        target="25% connect rate", stage="identification",
    )  # fmt: skip
    today = calendar.team_today(team)
    cycle_services.cycle_do(
        actor=leader, cycle_id=cycle.pk,
        actions=[cycle_services.ActionSpec("Block 08:30-10:00 for calls",
                                           User.objects.get(username="member"), today)],
    )  # fmt: skip
    point = cycle_services.control_point_create(
        actor=User.objects.get(username="coordinator"), team=team, cycle=cycle,
        name="Calls per day (morning block)", unit="calls", target=Decimal(45),
        lower_limit=Decimal(20),
    )  # fmt: skip
    values = [38, 41, 36, 44, 40, 39, 42, 37, 43, 40, 38, 45, 41, 39, 36, 42, 40, 44, 38, 41,
              18, 43, 46, 44, 47, 45, 58, 46, 48, 47]  # fmt: skip
    day, recorded = today - timedelta(days=1), []
    while len(recorded) < len(values):
        if day.isoweekday() <= 5:
            recorded.append(day)
        day -= timedelta(days=1)
    for value, measured_on in zip(values, reversed(recorded), strict=True):
        cycle_services.measurement_record(
            actor=leader, control_point_id=point.pk, value=Decimal(value),
            measured_on=measured_on, confirm_date=True,
        )  # fmt: skip
    cycle_services.cycle_check(
        actor=leader, cycle_id=cycle.pk, check_result="Calls rose to 46 a day; connect rate 24%"
    )
    assert Measurement.objects.filter(control_point=point, out_of_limits=True).count() == 6
    planned = cycle_services.cycle_start(
        actor=leader, team=team, title="Fewer no-shows at first meetings", problem="1 in 4",
        hypothesis="A reminder call the day before halves them", target="1 in 8",
    )  # fmt: skip
    return cycle, point, planned


def _screenshots(page: Page, name: str, height: int, pages: int = 4) -> None:
    """The first `pages` screens of the page, one file each, to look at."""
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    total = page.evaluate("document.documentElement.scrollHeight")
    for n, top in enumerate(range(0, min(total, height * pages), height)):
        clip = {"x": 0, "y": top, "width": width, "height": min(height, total - top)}
        page.screenshot(path=f"{SCREENSHOTS}/{name}-{n}.png", full_page=True, clip=clip)


@pytest.mark.parametrize(
    ("width", "height", "mobile"), [(360, 740, True), (1280, 900, False)], ids=["phone", "desktop"]
)
def test_the_cycle_and_its_chart_fit_a_phone_and_a_desktop(
    browser: Browser, live_server, chart_data, width, height, mobile
):
    cycle, point, planned = chart_data
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=mobile)
    page = context.new_page()
    log_in(page, live_server.url, "leader")
    for name, path in [
        ("cycle", f"/standard-work/cycles/{cycle.pk}/"),
        ("plan", f"/standard-work/cycles/{planned.pk}/"),
        ("chart", f"/standard-work/control-points/{point.pk}/"),
        ("team", f"/standard-work/teams/{cycle.team_id}/improvement/"),
        ("value", f"/standard-work/measurements/{point.measurements.first().pk}/change/"),
    ]:
        page.goto(f"{live_server.url}{path}")
        page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")

        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if name == "chart":
            expect(page.locator("svg.xmr-svg")).to_have_count(2)
            x_chart = page.get_by_role("img", name=re.compile("^Individual values"))
            expect(x_chart.locator("circle.xmr-point-flagged")).to_have_count(6)
            expect(x_chart.locator("text.xmr-rule").first).to_have_text("1, set")
            expect(x_chart).to_be_visible()
        if SCREENSHOTS:
            _screenshots(page, f"{name}-{width}", height)
    context.close()


def test_the_quick_entry_flags_a_value_by_keyboard_alone(browser: Browser, live_server, chart_data):
    _, point, _ = chart_data
    page = browser.new_context().new_page()
    log_in(page, live_server.url, "member")
    page.goto(f"{live_server.url}/standard-work/control-points/{point.pk}/")

    value = page.get_by_label("Value (calls)")
    value.focus()
    page.keyboard.type("not a number")
    page.keyboard.press("Enter")
    expect(page.locator("#cp-body .field-error")).to_have_text("Enter a number, like 42 or 3.5.")
    page.get_by_label("Value (calls)").fill("12")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("Below the set lower limit 20.")
    x_chart = page.get_by_role("img", name=re.compile("^Individual values"))
    expect(x_chart.locator("circle.xmr-point-flagged")).to_have_count(7)
