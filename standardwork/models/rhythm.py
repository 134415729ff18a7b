"""The daily accountability rhythm: stand-ups, their attendance, impediments.

Order: standard <- rhythm <- improvement <- followup. Rhythm imports no other
module of the app's models; followup's Action points at Standup.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from roles.models import Team


class Standup(models.Model):
    """A team's daily stand-up (tier 1), opened automatically before it starts.

    Headed by the Team Leader, attended by the Team Coordinator, who logs it.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="standups")
    date = models.DateField(help_text="The team's local date.")
    starts_at = models.DateTimeField(help_text="The team's stand-up time on that date.")
    opened_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=4000)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["team", "date"], name="standardwork_standup_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.team} stand-up {self.date}"


class StandupAttendance(models.Model):
    standup = models.ForeignKey(Standup, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="standup_attendance"
    )
    present = models.BooleanField(default=True)

    class Meta:
        ordering = ["standup", "person__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["standup", "person"], name="standardwork_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {'present' if self.present else 'absent'} at {self.standup}"


class Impediment(models.Model):
    """Something in the team's way. The TC owns it until removed; escalated to the VSM
    with a reason when the TC cannot remove it, and the VSM's answer goes back down."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        REMOVED = "removed", "Removed"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="impediments")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    standup = models.ForeignKey(
        Standup, on_delete=models.SET_NULL, null=True, blank=True, related_name="impediments"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    removed_how = models.CharField(max_length=500, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalations",
    )
    escalation_reason = models.CharField(max_length=500, blank=True)
    escalation_answer = models.CharField(max_length=1000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="removed") | ~Q(removed_how=""),
                name="standardwork_removed_impediment_says_how",
            ),
            models.CheckConstraint(
                condition=Q(escalated_at__isnull=True) | ~Q(escalation_reason=""),
                name="standardwork_escalation_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["team", "state"], name="standardwork_impediment_open")]

    def __str__(self) -> str:
        return self.title
