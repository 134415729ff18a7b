from django.utils import timezone

from leanops.models import Heartbeat


def heartbeat_record(*, name: str, hostname: str = "") -> Heartbeat:
    """Record that `name` is alive now; repeat-safe (one row per name)."""
    heartbeat, _ = Heartbeat.objects.update_or_create(
        name=name, defaults={"last_seen": timezone.now(), "hostname": hostname[:255]}
    )
    return heartbeat
