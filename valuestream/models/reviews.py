"""The VSM's weekly review (DOMAIN.md, "The daily accountability rhythm": weekly).

One review per value stream per ISO week, at the value stream's weekday and
local time. A beat tick prepares it a set time before it starts: it freezes
the agenda (the dashboard's figures at that moment, as JSON) so that the
record later shows what was seen then, and invites the people who attend.
During the meeting the VSM records attendance, problems and opportunities,
decisions, budget changes and actions (through standardwork's
`action_create`; `ReviewAction` remembers which review gave them).
"""

import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.db import models

from roles.models import ValueStream
from standardwork.models import Action

# How long the meeting is booked for in the invitation and the calendar feed.
REVIEW_DURATION = timedelta(hours=1)


class WeeklyReview(models.Model):
    value_stream = models.ForeignKey(
        ValueStream, on_delete=models.CASCADE, related_name="weekly_reviews"
    )
    week_start = models.DateField(help_text="The Monday of the review's ISO week (local).")
    date = models.DateField(help_text="The value stream's local date of the review.")
    starts_at = models.DateTimeField(help_text="When it starts (the local time, stored in UTC).")
    time_zone = models.CharField(
        max_length=64, help_text="The value stream's time zone when it was prepared."
    )
    prepared_at = models.DateTimeField()
    agenda = models.JSONField(
        default=dict, help_text="The dashboard's figures when it was prepared, frozen."
    )
    invited = models.PositiveSmallIntegerField(default=0, help_text="How many were invited.")

    class Meta:
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["value_stream", "week_start"], name="valuestream_review_once_a_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.value_stream} weekly review {self.date}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self):
        return self.starts_at.astimezone(self.zone)


class ReviewAttendance(models.Model):
    review = models.ForeignKey(WeeklyReview, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_attendance"
    )
    present = models.BooleanField(default=True)

    class Meta:
        ordering = ["review", "person__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["review", "person"], name="valuestream_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} {'present' if self.present else 'absent'} at {self.review}"


class ReviewNote(models.Model):
    """What the meeting raised or decided, in words."""

    class Kind(models.TextChoices):
        PROBLEM = "problem", "Problem"
        OPPORTUNITY = "opportunity", "Opportunity"
        DECISION = "decision", "Decision"
        BUDGET = "budget", "Budget change"

    review = models.ForeignKey(WeeklyReview, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.CharField(max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:50]}"


class ReviewAction(models.Model):
    """An action the review gave: the Action itself lives in standardwork."""

    review = models.ForeignKey(WeeklyReview, on_delete=models.CASCADE, related_name="actions")
    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="weekly_review")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.action} (from {self.review})"
