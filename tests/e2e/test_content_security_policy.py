"""The Content-Security-Policy in a browser: an injected inline script or style
is refused, and the browser tests' console listener (conftest.py) reports it."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import CSP_VIOLATION

pytestmark = pytest.mark.e2e

INJECT_SCRIPT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.injected = true";
  document.head.appendChild(script);
}"""
INJECT_STYLE = """() => {
  document.querySelector("h1").setAttribute("style", "color: rgb(255, 0, 0)");
}"""


def test_an_injected_inline_script_is_refused_and_reported(page: Page, live_server, csp_violations):
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to LeanOps")
    assert csp_violations == []

    with page.expect_console_message(lambda message: CSP_VIOLATION in message.text):
        page.evaluate(INJECT_SCRIPT)

    assert page.evaluate("window.injected") is None
    assert len(csp_violations) == 1
    assert csp_violations[0].startswith(
        f"{live_server.url}/login/: Executing inline script violates the following "
        "Content Security Policy directive 'script-src 'self''."
    )
    csp_violations.clear()  # provoked on purpose: the listener caught it


def test_an_injected_style_attribute_is_refused_and_reported(
    page: Page, live_server, csp_violations
):
    page.goto(f"{live_server.url}/login/")

    with page.expect_console_message(lambda message: CSP_VIOLATION in message.text):
        page.evaluate(INJECT_STYLE)

    assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") != (
        "rgb(255, 0, 0)"
    )
    assert len(csp_violations) == 1
    assert csp_violations[0].startswith(
        f"{live_server.url}/login/: Applying inline style violates the following "
        "Content Security Policy directive 'style-src 'self''."
    )
    csp_violations.clear()


def test_the_admin_runs_under_the_same_policy_without_a_violation(page: Page, live_server):
    from tests.roles.factories import PASSWORD, UserFactory

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    # The pages with the admin's own scripts: the changelist's actions and
    # filters, the user form's permission selector, the team form's inlines.
    for path in (
        "/admin/roles/user/",
        f"/admin/roles/user/{root.pk}/change/",
        "/admin/roles/team/add/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("load")
