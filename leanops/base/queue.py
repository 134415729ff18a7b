"""Queue a Celery task after the commit: ground floor, imports no app.

Services queue their follow-up work by the task's registered name, so that a
service never imports the tasks module that imports it back (tasks are thin
entry points that call services). Each app registers its tasks when Django
starts (its AppConfig.ready imports its tasks module), so the name is known in
every process, and in tests that run tasks eagerly.
"""

import logging

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)


def enqueue_on_commit(task_name: str, **kwargs) -> None:
    """Send `task_name` with JSON `kwargs` once the current transaction commits.

    Nothing is sent when it rolls back; outside a transaction it is sent at once.
    A broker that is down does not fail the request that committed: the write is
    done, the failure is logged, and the beat ticks that reconcile (ARCHITECTURE.md)
    pick the work up when the broker is back.
    """

    def send() -> None:
        try:
            current_app.tasks[task_name].delay(**kwargs)
        except BrokerUnavailable:
            logger.exception("The broker is unreachable: %s(%s) was not queued", task_name, kwargs)

    transaction.on_commit(send)
