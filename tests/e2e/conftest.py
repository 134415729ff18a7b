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
def demo_snapshot():
    from tests.e2e.demo_snapshot import DemoSnapshot

    return DemoSnapshot()


@pytest.fixture
def demo(transactional_db, demo_snapshot):
    """The demo organisation, as `make run` seeds it (seeded once, restored per test)."""
    demo_snapshot.load()
