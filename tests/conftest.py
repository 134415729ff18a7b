import pytest

from leanops.celery import app as celery_app


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
    from standardwork.services import standard_defaults_ensure

    if not MissReason.objects.exists():
        standard_defaults_ensure()
