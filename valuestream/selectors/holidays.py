"""Reads for the holidays page."""

from datetime import date

from django.db.models import QuerySet

from roles.models import User
from valuestream import policy
from valuestream.models import Holiday


def holidays_from(user: User, day: date) -> QuerySet[Holiday]:
    """The holidays on or after `day` (the ones that still move a step), in date order."""
    return policy.visible_holidays(user).filter(date__gte=day).order_by("date")


def holidays_past(user: User, day: date, limit: int = 10) -> list[Holiday]:
    return list(policy.visible_holidays(user).filter(date__lt=day).order_by("-date")[:limit])
