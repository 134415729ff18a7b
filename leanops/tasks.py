import socket

from celery import shared_task

from leanops.services import heartbeat_record


@shared_task(name="leanops.tasks.heartbeat")
def heartbeat(name: str = "worker") -> None:
    heartbeat_record(name=name, hostname=socket.gethostname())
