"""Follow-up campaigns and the engine's records.

A Campaign (from a webinar or a trade show) has ordered Steps. Each prospect
in it has one Enrollment, which says which step is next and when it is due;
the engine (`valuestream.services.engine`) executes a step for an enrollment
exactly once: a StepExecution is unique per enrollment and step, and is
written (claimed) before an email leaves, so a retry after a crash never
sends again. A call step's execution waits in the caller's queue until a
CallLog records its outcome.
"""

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from roles.models import Team, ValueStream
from standardwork.models import ControlPoint
from valuestream.models.calls import CallScript, ScriptVersion
from valuestream.models.economics import MONEY, Program
from valuestream.models.prospects import Prospect


class Campaign(models.Model):
    class EventKind(models.TextChoices):
        WEBINAR = "webinar", "Webinar"
        TRADE_SHOW = "trade_show", "Trade show"

    class Status(models.TextChoices):
        ACTIVE = "active", "Running"
        PAUSED = "paused", "Paused"

    name = models.CharField(max_length=160)
    event_kind = models.CharField(max_length=12, choices=EventKind.choices)
    event_name = models.CharField(max_length=160)
    event_date = models.DateField()
    value_stream = models.ForeignKey(
        ValueStream, on_delete=models.PROTECT, related_name="campaigns"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="campaigns")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="campaigns")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sent_campaigns",
        help_text="Emails go out in this person's name; their daily cap applies.",
    )  # fmt: skip
    send_window_start = models.TimeField(default=time(9, 0))
    send_window_end = models.TimeField(default=time(17, 0))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    paused_at = models.DateTimeField(
        null=True, blank=True, help_text="While paused: since when (resuming shifts the steps)."
    )
    scripts = models.ManyToManyField(CallScript, related_name="campaigns", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-event_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="valuestream_campaign_name"),
            models.CheckConstraint(
                condition=Q(send_window_end__gt=models.F("send_window_start")),
                name="valuestream_campaign_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        AUTO_RESPONDER = "auto_responder", "Auto-responder"
        CALL = "call", "Call"
        DIRECT_MAIL = "direct_mail", "Direct mail"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=15, choices=Kind.choices)
    delay_business_days = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(60)],
        help_text="Business days after the previous step (after enrolment for the first).",
    )  # fmt: skip
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True, help_text="Merge fields: {{first_name}}, {{company}}…")
    script = models.ForeignKey(
        CallScript, on_delete=models.PROTECT, null=True, blank=True, related_name="steps"
    )
    mail_item = models.CharField(max_length=200, blank=True, help_text="What to send by post.")
    mail_cost = models.DecimalField(
        **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "position"], name="valuestream_step_order")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.get_kind_display()}"

    @property
    def is_email(self) -> bool:
        return self.kind in {self.Kind.EMAIL, self.Kind.AUTO_RESPONDER}


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "In the sequence"
        FINISHED = "finished", "Finished"
        STOPPED = "stopped", "Stopped"

    class StopReason(models.TextChoices):
        COMPLETED = "completed", "Completed every step"
        REPLIED = "replied", "Replied"
        MEETING = "meeting", "Meeting booked"
        BOUNCED = "bounced", "Email bounced"
        OPTED_OUT = "opted_out", "Opted out"
        NOT_INTERESTED = "not_interested", "Not interested"
        UNQUALIFIED = "unqualified", "Unqualified"
        WON = "won", "Won"
        HANDED_OFF = "handed_off", "Handed off to another team"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="enrollments")
    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="enrollments")
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="enrollments_to_call",
    )  # fmt: skip
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    stop_reason = models.CharField(max_length=15, choices=StopReason.choices, blank=True)
    next_step = models.ForeignKey(
        Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    next_due_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next step is due; empty while it is in hand."
    )
    enrolled_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "prospect"], name="valuestream_enrollment_once"
            )
        ]
        indexes = [
            # The engine's queue: active enrollments by due time.
            models.Index(
                fields=["next_due_at"],
                condition=Q(status="active", next_due_at__isnull=False),
                name="valuestream_enrollment_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prospect} in {self.campaign}"


class StepExecution(models.Model):
    """One step run for one enrollment, at most once (unique)."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", "Queued to send"
        # Handed to the mail server, not yet recorded as sent (valuestream.services.engine).
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        UNCONFIRMED = "unconfirmed", "Sent (not confirmed)"
        CALL_DUE = "call_due", "Call due"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="executions")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="executions")
    status = models.CharField(max_length=12, choices=Status.choices)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="calls_due",
    )  # fmt: skip
    due_on = models.DateField(null=True, blank=True, help_text="A call's day in the queue.")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "step"], name="valuestream_step_runs_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["caller", "due_on"],
                condition=Q(status="call_due"),
                name="valuestream_calls_due",
            ),
            models.Index(fields=["step", "status"], name="valuestream_execution_step"),
        ]

    def __str__(self) -> str:
        return f"{self.step} for {self.enrollment_id}: {self.status}"


class CallLog(models.Model):
    """The outcome of one call: a fixed disposition and a note."""

    class Disposition(models.TextChoices):
        CONNECT = "connect", "Meaningful connect"
        VOICEMAIL = "voicemail", "Left voicemail"
        CALL_BACK = "call_back", "Call back later"
        NOT_INTERESTED = "not_interested", "Not interested"
        UNQUALIFIED = "unqualified", "Unqualified"
        MEETING = "meeting", "Meeting booked"

    # A conversation with the prospect: these count as connected.
    CONNECTED = (
        Disposition.CONNECT,
        Disposition.NOT_INTERESTED,
        Disposition.UNQUALIFIED,
        Disposition.MEETING,
    )

    execution = models.ForeignKey(
        StepExecution, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="calls")
    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="calls")
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="call_logs"
    )
    script_version = models.ForeignKey(
        ScriptVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="calls"
    )
    disposition = models.CharField(max_length=15, choices=Disposition.choices)
    note = models.CharField(max_length=500, blank=True)
    called_at = models.DateTimeField()
    called_on = models.DateField(help_text="The team's local date of the call.")

    class Meta:
        ordering = ["-called_at", "-pk"]
        indexes = [
            models.Index(fields=["campaign", "called_on"], name="valuestream_call_day"),
        ]

    def __str__(self) -> str:
        return f"{self.prospect}: {self.get_disposition_display()}"

    @property
    def connected(self) -> bool:
        return self.disposition in self.CONNECTED


class SenderDay(models.Model):
    """How many campaign emails went out in a sender's name on a (UTC) day: the cap."""

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sender", "day"], name="valuestream_sender_day")
        ]

    def __str__(self) -> str:
        return f"{self.sent} sent on {self.day}"


class ControlPointFeed(models.Model):
    """A team's control point whose values are read from the call log, one per working day."""

    class Metric(models.TextChoices):
        CONNECT_RATE = "connect_rate", "Connect rate (%)"
        CALLS = "calls", "Calls per day"
        MEETINGS = "meetings", "Meetings booked"

    control_point = models.OneToOneField(
        ControlPoint, on_delete=models.CASCADE, related_name="valuestream_feed"
    )
    metric = models.CharField(max_length=15, choices=Metric.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.control_point} <- {self.get_metric_display()}"


class FeedValue(models.Model):
    """A value the feed wrote for a day: a rerun compares against it and writes nothing new."""

    feed = models.ForeignKey(ControlPointFeed, on_delete=models.CASCADE, related_name="values")
    day = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=3)
    measurement_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feed", "day"], name="valuestream_feed_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.value}"
