import os
from datetime import datetime

import pytest
import time_machine

from leanops.celery import app as celery_app

# The suite's clock. Every test runs at this instant (ticking forward from it),
# never at the machine's own time, so a test that depends on today passes on
# any day at any hour. CI runs the suite again with LEANOPS_TEST_NOW set to a
# Saturday, a Monday, the days clocks change in Europe and the United States
# and 23:30 in a team's zone (see .ci/run), which proves that no test depends
# on the one instant chosen here.
DEFAULT_TEST_NOW = "2026-11-25T10:00:00+00:00"  # a Wednesday, 10:00 in London


def test_now() -> datetime:
    return datetime.fromisoformat(os.environ.get("LEANOPS_TEST_NOW") or DEFAULT_TEST_NOW)


test_now.__test__ = False  # a helper, not a test


@pytest.fixture(autouse=True)
def fixed_clock():
    """Time starts at the suite's fixed instant in every test and ticks from there."""
    with time_machine.travel(test_now(), tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def celery_eager():
    """Tasks run in-process in unit tests; tests/leanops/test_worker.py starts a real worker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def standard_work_defaults(request):
    """Every database test starts with the default miss reasons and layer targets.

    Migration 0002 adds them, but a transactional test (the browser, the real
    worker) ends with a flush that removes them for the tests after it.
    """
    database_fixtures = {"db", "transactional_db", "live_server"}
    if request.node.get_closest_marker("django_db") is None and not (
        database_fixtures & set(request.fixturenames)
    ):
        return
    request.getfixturevalue("db")
    from standardwork.models import MissReason
    from standardwork.services.adherence import standard_defaults_ensure

    if not MissReason.objects.exists():
        standard_defaults_ensure()


@pytest.fixture(autouse=True)
def _no_cache(settings):
    """Nothing is kept between requests (roles.cache), so a page's query count is the
    one it makes with nothing cached, whatever ran before. tests/roles/test_cache.py
    tests the cache itself, on a real one."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.fixture
def real_cache(settings, _no_cache):
    """A real cache (local memory, emptied) for the tests of what roles.cache keeps."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    return cache
