"""Browser tests: pytest-playwright driving Debian's Chromium against live_server.

Where Chromium is missing, `make test` skips these with one line saying how
to install it; under CI=true a missing browser is a failure.
"""

import os
from pathlib import Path

import pytest

# live_server runs the app in a thread while Playwright's sync API owns an
# event loop in this one; Django must allow ORM calls from that context.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium`"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists() or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason=MISSING)
    for item in items:
        if "tests/e2e/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(MISSING)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def live_server(live_server, django_db_setup, django_db_blocker):
    """pytest-django's live server, whose request threads' database sessions end with it.

    A thread that served one of Chromium's keep-alive connections keeps its database
    connection until the browser lets the socket go, which it may not do before the
    run ends: on PostgreSQL the test database could then not be dropped ("being
    accessed by other users", 28 sessions after the browser tests). Asking for
    django_db_setup makes this end before the test database is dropped.
    """
    yield live_server
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(scope="session")
def demo_snapshot():
    from tests.e2e.demo_snapshot import DemoSnapshot

    return DemoSnapshot()


@pytest.fixture
def demo(transactional_db, demo_snapshot):
    """The demo organisation, as `make run` seeds it (seeded once, restored per test)."""
    demo_snapshot.load()


# How Chromium words a Content-Security-Policy violation in the page's console:
# "Executing inline script violates the following Content Security Policy
# directive 'script-src 'self''. ... The action has been blocked."
CSP_VIOLATION = "Content Security Policy"


@pytest.fixture(autouse=True)
def csp_violations(request, monkeypatch):
    """Every page a browser test opens runs under the real Content-Security-Policy;
    a violation reported in its console fails the test at teardown, listing them.

    Tests open pages through the `page` fixture, browser.new_context() or
    browser.new_page(): all three are watched. A test that provokes a violation
    on purpose takes this fixture and clears the list.
    """
    violations: list[str] = []
    if "browser" not in request.fixturenames:
        yield violations
        return
    browser = request.getfixturevalue("browser")

    def watch(message) -> None:
        if CSP_VIOLATION in message.text:
            where = message.page.url if message.page else message.location.get("url", "")
            violations.append(f"{where}: {message.text}")

    new_context, new_page = browser.new_context, browser.new_page

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.on("console", watch)
        return context

    def watched_page(*args, **kwargs):
        page = new_page(*args, **kwargs)
        page.on("console", watch)
        return page

    monkeypatch.setattr(browser, "new_context", watched_context)
    monkeypatch.setattr(browser, "new_page", watched_page)
    yield violations
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))
