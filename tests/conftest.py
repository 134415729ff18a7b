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
