from django.db import models


class Heartbeat(models.Model):
    """The last time a named background process proved it was alive.

    Operational, not domain: /healthz reads it to tell whether beat and a
    worker are running.
    """

    name = models.CharField(max_length=50, unique=True)
    last_seen = models.DateTimeField()
    hostname = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.last_seen:%Y-%m-%d %H:%M:%S}"
