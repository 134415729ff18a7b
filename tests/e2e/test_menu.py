"""The main menu in a browser: on a phone one row behind a Menu button, on a
desktop every group in view with its other pages behind a keyboard-usable toggle."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from leanops.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ONE_ROW = 64  # px: the top bar's height with everything on one line

TOP_LEVEL = {
    "coordinator": ["My standard work", "Stand-ups", "Improvement", "My teams"],
    "vsm": ["My standard work", "Escalations", "Improvement", "Value streams"],
}
EVERY_ENTRY = {
    "coordinator": [
        "My standard work", "Verify", "Templates", "Campaigns", "Stand-ups", "Impediments",
        "Improvement", "Script training", "My teams", "Teams",
    ],
    "vsm": [
        "My standard work", "Verify", "Templates", "Campaigns", "Escalations", "Improvement",
        "Script training", "Value streams", "Teams", "Budget and ROI",
    ],
}  # fmt: skip


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def test_on_a_phone_the_menu_is_one_row_and_opens_from_the_menu_button(
    browser: Browser, live_server, demo
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, live_server.url, "coordinator")
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")

    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    assert page.locator("header.topbar").bounding_box()["height"] <= ONE_ROW

    menu.click()

    expect(menu).to_have_attribute("aria-expanded", "true")
    for label in EVERY_ENTRY["coordinator"]:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.keyboard.press("Escape")

    expect(nav).to_be_hidden()
    expect(menu).to_be_focused()
    context.close()


@pytest.mark.parametrize("username", ["coordinator", "vsm"])
def test_on_a_desktop_every_group_is_in_view_and_its_toggle_works_from_the_keyboard(
    browser: Browser, live_server, demo, username
):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live_server.url, username)
    nav = page.get_by_role("navigation", name="Main")
    verify = nav.get_by_role("link", name="Verify", exact=True)

    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(nav.locator(".menu-item > a")).to_have_text(TOP_LEVEL[username])
    for link in nav.locator(".menu-item > a").all():
        expect(link).to_be_visible()
    assert page.locator("header.topbar").bounding_box()["height"] <= ONE_ROW
    expect(verify).to_be_hidden()

    toggle = nav.locator(".menu-item").first.locator("summary")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(verify).to_be_visible()
    page.keyboard.press("Escape")
    expect(verify).to_be_hidden()
    expect(toggle).to_be_focused()

    toggle.click()
    verify.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verification board")
    context.close()
