"""Follow-up: actions (an owner and a due date) and in-app notices.

The top of the app's models. Order: standard <- rhythm <- improvement <- followup;
an Action comes from a stand-up or a cycle, so followup imports rhythm and
improvement, and only the package imports followup.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from roles.models import Team
from standardwork.models.improvement import Cycle
from standardwork.models.rhythm import Standup


class Action(models.Model):
    """A commitment with an owner and a due date, from a stand-up, a weekly review or a cycle."""

    class Source(models.TextChoices):
        STANDUP = "standup", "Stand-up"
        WEEKLY_REVIEW = "weekly_review", "Weekly review"
        CYCLE = "cycle", "Cycle"
        OTHER = "other", "Other"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="actions"
    )
    due_date = models.DateField()
    source = models.CharField(max_length=15, choices=Source.choices, default=Source.STANDUP)
    standup = models.ForeignKey(
        Standup, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["owner", "done_at"], name="standardwork_action_owner")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today) -> bool:
        return not self.is_done and self.due_date < today


class Notice(models.Model):
    """An in-app notice (a reminder of open items, a countermeasure asked for).

    Written only by `standardwork.services.followup.notice_send`. `about` names
    what it is about ("check:123", "impediment:45"): when that is resolved (the
    countermeasure recorded, the escalation answered), `notices_resolve` marks
    the notices about it read and resolved, so they leave the unread list.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        COUNTERMEASURE = "countermeasure", "Countermeasure asked for"
        ESCALATION = "escalation", "Impediment escalated"
        ESCALATION_ANSWER = "answer", "Escalation answered"
        CONTROL_POINT = "control_point", "Control point out of limits"
        WEEKLY_REVIEW = "weekly_review", "Weekly review"
        HANDOFF = "handoff", "Prospect handed off"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField(help_text="The recipient's local date it is about.")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.BooleanField(
        default=False, help_text="The recipient also gets it by email (queued on commit)."
    )
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the email went out; it goes out at most once."
    )
    about = models.CharField(
        max_length=50,
        blank=True,
        db_index=True,
        help_text='What it is about ("check:123"); resolving that resolves it.',
    )
    resolved_at = models.DateTimeField(
        null=True, blank=True, help_text="When what it is about was resolved (it was read then)."
    )
    attachment = models.JSONField(
        default=dict,
        blank=True,
        help_text='A file the email carries: {"filename", "mimetype", "content"} '
        "(a weekly review's calendar invitation).",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The unread count on every page and the notices page.
            models.Index(fields=["recipient", "read_at"], name="standardwork_notice_unread"),
        ]
        constraints = [
            # At most one reminder a day per person, however often the tick runs.
            models.UniqueConstraint(
                fields=["recipient", "date"],
                condition=Q(kind="reminder"),
                name="standardwork_one_reminder_a_day",
            )
        ]

    def __str__(self) -> str:
        return self.text
