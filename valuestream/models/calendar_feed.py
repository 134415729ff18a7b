"""Each person's private iCalendar feed: their team's stand-ups and their weekly reviews.

The feed is read without a login (a calendar app cannot log in), so its secret
token is the only key: long, random, and reset by its owner when it leaked.
"""

from django.conf import settings
from django.db import models


class CalendarFeed(models.Model):
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reset_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.owner}"
