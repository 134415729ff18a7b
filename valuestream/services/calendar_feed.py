"""Each person's private calendar feed: its secret token, made on first use and reset
by its owner (the old address stops working at once)."""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from roles.models import User
from valuestream.models import CalendarFeed

TOKEN_BYTES = 32


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def calendar_feed_ensure(*, actor: User) -> CalendarFeed:
    """The actor's feed, made with a fresh token the first time they ask for it."""
    feed = CalendarFeed.objects.filter(owner=actor).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(owner=actor, token=_new_token())
    except IntegrityError:  # a second tab made it first
        return CalendarFeed.objects.get(owner=actor)


@transaction.atomic
def calendar_feed_reset(*, actor: User) -> CalendarFeed:
    """A new secret address for the actor's feed; the old one answers 404 from now on."""
    feed = CalendarFeed.objects.select_for_update().filter(owner=actor).first()
    if feed is None:
        return CalendarFeed.objects.create(owner=actor, token=_new_token())
    feed.token = _new_token()
    feed.reset_at = timezone.now()
    feed.save(update_fields=["token", "reset_at"])
    return feed
