import os

from celery import Celery
from celery.signals import before_task_publish

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanops.settings")

app = Celery("leanops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


HEARTBEAT_TASK = "leanops.tasks.heartbeat"


@before_task_publish.connect
def record_beat_heartbeat(sender=None, **kwargs) -> None:
    """Beat is alive when it publishes the every-minute heartbeat task.

    Liveness, not business logic: /healthz reads it (leanops.health). Only beat
    publishes that task; the worker records its own heartbeat when it runs it.
    """
    if sender != HEARTBEAT_TASK:
        return
    import socket

    from leanops.services import heartbeat_record  # Django is ready once tasks publish

    heartbeat_record(name="beat", hostname=socket.gethostname())
