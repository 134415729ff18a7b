"""Prospects (the people a campaign follows up), the holidays no step runs on,
and CSV imports of a trade-show or webinar export."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from roles.models import Stage, Team, validate_time_zone


class Prospect(models.Model):
    """A person at a company the value stream serves. One per email (lower case)."""

    first_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80, blank=True)
    company = models.CharField(max_length=160, blank=True)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True, help_text="Postal address, for direct mail.")
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.IDENTIFICATION)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="prospects")
    opted_out_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="valuestream_prospect_email_once")
        ]
        indexes = [models.Index(fields=["team", "stage"], name="valuestream_prospect_team")]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def opted_out(self) -> bool:
        return self.opted_out_at is not None

    @property
    def reachable_by_email(self) -> bool:
        return self.opted_out_at is None and self.bounced_at is None


class Holiday(models.Model):
    """A listed holiday: no campaign step is due on it."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.name} ({self.date})"


def import_upload_to(instance, filename: str) -> str:
    return f"valuestream/imports/{instance.team_id}/{filename}"


class ProspectImport(models.Model):
    """One CSV upload, imported all or nothing by a Celery task that reports progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        REFUSED = "refused", "Refused: bad rows"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="prospect_imports")
    campaign = models.ForeignKey(
        "valuestream.Campaign", on_delete=models.CASCADE, null=True, blank=True,
        related_name="imports",
    )  # fmt: skip
    file = models.FileField(upload_to=import_upload_to)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    merged_count = models.PositiveIntegerField(default=0)
    enrolled_count = models.PositiveIntegerField(default=0)
    bad_rows = models.TextField(blank=True, help_text="CSV of the refused rows and why.")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in {self.Status.DONE, self.Status.REFUSED} else 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.REFUSED}


class Handoff(models.Model):
    """A prospect moving to a stage another team serves: handed over by the team that
    owns it, acknowledged by the receiving team's coordinator (DOMAIN.md: the TC steps
    in at handoffs between teams).

    Until it is acknowledged the prospect stays with the sending team, in its old stage:
    someone must always answer for a prospect, and the team that has it is the one
    whose calls and campaigns reach it. Acknowledging moves the prospect's team and
    stage together.
    """

    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="handoffs")
    from_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="handoffs_out")
    to_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="handoffs_in")
    from_stage = models.CharField(max_length=20, choices=Stage.choices)
    stage = models.CharField(max_length=20, choices=Stage.choices)
    note = models.CharField(max_length=300, blank=True)
    handed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    handed_off_at = models.DateTimeField()
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-handed_off_at", "-pk"]
        constraints = [
            # One open handoff per prospect: a second would race the first's acknowledgement.
            models.UniqueConstraint(
                fields=["prospect"],
                condition=models.Q(acknowledged_at__isnull=True),
                name="valuestream_handoff_one_pending",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_team=models.F("to_team")),
                name="valuestream_handoff_between_teams",
            ),
        ]
        indexes = [
            models.Index(
                fields=["to_team"],
                condition=models.Q(acknowledged_at__isnull=True),
                name="valuestream_handoff_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prospect} to {self.to_team}"

    @property
    def pending(self) -> bool:
        return self.acknowledged_at is None
