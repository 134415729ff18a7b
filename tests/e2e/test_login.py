import re

import pytest
from playwright.sync_api import Page, expect

from leanops.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_leader_logs_in_lands_on_their_standard_work_and_logs_out(page: Page, live_server, demo):
    log_in(page, live_server.url, "leader")

    expect(page).to_have_url(re.compile(r"/standard-work/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My standard work")
    expect(page.locator(".who-layer")).to_have_text("Team Leader")

    page.get_by_role("button", name="Log out").click()

    expect(page).to_have_url(re.compile(r"/login/$"))
    page.goto(f"{live_server.url}/standard-work/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/standard-work/$"))


def test_wrong_password_says_so_without_saying_which_part(page: Page, live_server, demo):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("leader")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("alert")).to_have_text(
        "Your username and password did not match. Please try again."
    )
    expect(page).to_have_url(re.compile(r"/login/$"))


def test_leader_page_fits_a_phone_screen(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    log_in(page, live_server.url, "leader")
    expect(page.get_by_role("heading", level=1)).to_have_text("My standard work")

    page_width = page.evaluate("document.documentElement.scrollWidth")

    assert page_width <= 375
    context.close()
