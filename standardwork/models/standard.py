"""Leader standard work, layered (DOMAIN.md).

A StandardWorkTemplate is a layer's routine for a scope; its items live in
numbered TemplateVersions, so editing makes a new version and every issued
Check keeps the item (and version) it was issued from. Each person gets one
Checklist per local working day; its Checks are ticked, missed with a reason,
verified by the layer above and, when asked, answered with a countermeasure.
CheckEvent is the append-only history of all of that.

The bottom of the app's models: it imports none of the other modules
(TemplateVersion.cycle names "Cycle" as a string).
Order: standard <- rhythm <- improvement <- followup.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from roles.models import Layer, Team, ValueStream, Weekday


class StandardWorkTemplate(models.Model):
    """The standard work of one layer, for one team, one value stream or everyone in the layer."""

    name = models.CharField(max_length=120)
    layer = models.CharField(max_length=10, choices=Layer.choices)
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="standard_work"
    )
    value_stream = models.ForeignKey(
        ValueStream,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="standard_work",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["layer", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=True) | Q(value_stream__isnull=True),
                name="standardwork_template_one_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_layer_display()}, {self.scope_label})"

    @property
    def scope_label(self) -> str:
        if self.team_id:
            return str(self.team)
        if self.value_stream_id:
            return str(self.value_stream)
        return "everyone in the layer"

    def clean(self) -> None:
        if self.team_id and self.value_stream_id:
            raise ValidationError("A template is for one team or one value stream, not both.")


class TemplateVersion(models.Model):
    """One version of a template's items. Versions are never edited, only superseded."""

    template = models.ForeignKey(
        StandardWorkTemplate, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    note = models.CharField(max_length=300, blank=True, help_text="Why the standard changed.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    effective_from = models.DateField(
        help_text="The first day checklists are issued from this version: the first day not "
        "yet issued when it was made (or the day the cycle adopted it). Checklists of earlier "
        "days keep the version they were issued from."
    )
    cycle = models.ForeignKey(
        "Cycle",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adopted_versions",
        help_text="The improvement cycle whose adoption made this version.",
    )

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="standardwork_version_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"


class TemplateItem(models.Model):
    class Cadence(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"

    class Kind(models.TextChoices):
        DO = "do", "Do"
        ATTEND = "attend", "Attend"
        VERIFY = "verify", "Verify the layer below"

    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.DAILY)
    weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, null=True, blank=True, help_text="For weekly items."
    )
    day_of_month = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text="For monthly items; 31 means the last day of every month.",
    )
    expected_minutes = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(480)]
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DO)

    class Meta:
        ordering = ["version", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.cadence == self.Cadence.WEEKLY and not self.weekday:
            raise ValidationError({"weekday": "A weekly item needs its weekday."})
        if self.cadence == self.Cadence.MONTHLY and not self.day_of_month:
            raise ValidationError({"day_of_month": "A monthly item needs its day of the month."})

    @property
    def cadence_label(self) -> str:
        if self.cadence == self.Cadence.WEEKLY and self.weekday:
            return f"Weekly, {Weekday(self.weekday).label}"
        if self.cadence == self.Cadence.MONTHLY and self.day_of_month:
            return f"Monthly, day {self.day_of_month}"
        return self.get_cadence_display()


class LayerTarget(models.Model):
    """The share of working time a layer should spend in standard work (David Mann)."""

    layer = models.CharField(max_length=10, choices=Layer.choices, unique=True)
    target_percent = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    working_minutes_per_day = models.PositiveSmallIntegerField(
        default=480, validators=[MinValueValidator(60), MaxValueValidator(720)]
    )

    class Meta:
        ordering = ["layer"]

    def __str__(self) -> str:
        return f"{self.get_layer_display()}: {self.target_percent}%"


class Absence(models.Model):
    """Recorded leave: no checklist is issued for these days."""

    class Reason(models.TextChoices):
        LEAVE = "leave", "Leave"
        SICK = "sick", "Sick"
        TRAINING = "training", "Training"
        OTHER = "other", "Other"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences"
    )
    start_date = models.DateField()
    end_date = models.DateField()
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.LEAVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="standardwork_absence_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_reason_display()} {self.start_date}..{self.end_date}"


class Checklist(models.Model):
    """One person's standard work for one local working day."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checklists"
    )
    date = models.DateField(help_text="The owner's local date.")
    time_zone = models.CharField(max_length=64)
    issued_at = models.DateTimeField(auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "date"], name="standardwork_checklist_once_a_day"
            )
        ]
        indexes = [models.Index(fields=["date"], name="standardwork_checklist_date")]

    def __str__(self) -> str:
        return f"{self.owner} {self.date}"


class MissReason(models.Model):
    """The list a missed item's reason is chosen from; counted for the Pareto."""

    label = models.CharField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


# Kamishibai red (Check.is_red as a condition on Check rows; a test holds them equal): a
# miss without a recorded countermeasure, or a countermeasure asked for. Literal values,
# as Check.Status and Check.Verification are defined inside the class below.
RED_CHECK = Q(verification="requested") | (Q(status="missed") & ~Q(verification="recorded"))


class CheckQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        _fill_owners(objs)
        return super().bulk_create(objs, *args, **kwargs)


def _fill_owners(checks: list["Check"]) -> None:
    """Each new check's `owner` from its checklist (one query for checklists not loaded)."""
    missing = [check for check in checks if check.owner_id is None]
    unloaded = {check.checklist_id for check in missing if not Check.checklist.is_cached(check)}
    owners = (
        dict(Checklist.objects.filter(pk__in=unloaded).values_list("pk", "owner_id"))
        if unloaded
        else {}
    )
    for check in missing:
        if Check.checklist.is_cached(check):
            check.owner_id = check.checklist.owner_id
        else:
            check.owner_id = owners.get(check.checklist_id)


class Check(models.Model):
    """One item of a checklist, as issued from a template version.

    `owner` repeats the checklist's owner (it never changes), so a person's reds are
    found by an index on the checks themselves: the verification boards carry every
    red however old, and reading them by checklist scanned the organisation's reds.
    It is filled on save and on bulk_create (`CheckQuerySet`); bulk loaders that
    write rows directly (seed_scale's COPY) write it themselves.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        MISSED = "missed", "Missed"

    class Verification(models.TextChoices):
        NONE = "none", "Not verified"
        CONFIRMED = "confirmed", "Confirmed"
        COUNTERMEASURE_REQUESTED = "requested", "Countermeasure asked for"
        COUNTERMEASURE_RECORDED = "recorded", "Countermeasure recorded"

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="checks")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        editable=False,
        help_text="The checklist's owner, repeated so that reds are found by person.",
    )
    item = models.ForeignKey(TemplateItem, on_delete=models.PROTECT, related_name="checks")
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    actual_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    miss_reason = models.ForeignKey(
        MissReason, on_delete=models.PROTECT, null=True, blank=True, related_name="checks"
    )
    miss_reason_text = models.CharField(max_length=120, blank=True)
    miss_note = models.CharField(max_length=500, blank=True)
    verification = models.CharField(
        max_length=10, choices=Verification.choices, default=Verification.NONE
    )
    verification_comment = models.CharField(max_length=500, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    countermeasure = models.CharField(max_length=500, blank=True)

    objects = CheckQuerySet.as_manager()

    class Meta:
        ordering = ["checklist", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "item"], name="standardwork_check_once"),
            models.CheckConstraint(
                condition=~Q(status="missed") | ~Q(miss_note=""),
                name="standardwork_missed_check_has_note",
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="standardwork_check_status"),
            # The verification boards carry every red into later days until its
            # countermeasure: a person's few reds among a year of checks.
            models.Index(
                fields=["owner", "checklist"], condition=RED_CHECK, name="standardwork_check_red"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.title} ({self.get_status_display()})"

    def save(self, *args, **kwargs) -> None:
        if self.owner_id is None and self.checklist_id is not None:
            self.owner_id = self.checklist.owner_id
        super().save(*args, **kwargs)

    @property
    def reason_label(self) -> str:
        return self.miss_reason.label if self.miss_reason_id else self.miss_reason_text

    @property
    def is_red(self) -> bool:
        """Kamishibai: a miss, or an item the layer above asked a countermeasure for."""
        return self.verification == self.Verification.COUNTERMEASURE_REQUESTED or (
            self.status == self.Status.MISSED
            and self.verification != self.Verification.COUNTERMEASURE_RECORDED
        )

    @property
    def is_green(self) -> bool:
        return not self.is_red and (
            self.status == self.Status.DONE
            or self.verification == self.Verification.COUNTERMEASURE_RECORDED
        )


class CheckEvent(models.Model):
    """Append-only history: who did what to which check, when."""

    class Kind(models.TextChoices):
        TICK = "tick", "Ticked"
        UNDO = "undo", "Undone"
        MISS = "miss", "Missed"
        CONFIRM = "confirm", "Confirmed"
        REQUEST_COUNTERMEASURE = "request", "Countermeasure asked for"
        RECORD_COUNTERMEASURE = "record", "Countermeasure recorded"

    check_item = models.ForeignKey(Check, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.CharField(max_length=500, blank=True)
    # The change's instant, given by the service (the demo's changes happened in the
    # past); never changed afterwards.
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.actor} at {self.at:%Y-%m-%d %H:%M}"


class AdherenceWeek(models.Model):
    """One person's checks of one closed ISO week, counted: the dashboard's trend reads
    these instead of scanning the weeks' checks on every request.

    Kept by `adherence_weeks_summarise` (a beat tick), a week at a time (see
    `SummarisedWeek`). The counts are raw: an item still open is counted in `open` or,
    for a monthly item, in `open_monthly`, and the reader settles them against its own
    today exactly as the live count does (a monthly item stays open while its month runs).
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField(help_text="The Monday of the week (the checklists' local dates).")
    done = models.PositiveIntegerField(default=0)
    missed = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)
    open_monthly = models.PositiveIntegerField(default=0)
    reds = models.PositiveIntegerField(
        default=0,
        help_text="Kamishibai reds among the week's checks (RED_CHECK), as they stand now.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["week_start", "owner"], name="standardwork_adherence_week_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} week of {self.week_start}"


class SummarisedWeek(models.Model):
    """A week `adherence_weeks_summarise` has counted for everyone (a person with no
    `AdherenceWeek` row in it had no checks that week).

    A write that changes a closed week's checks afterwards (a monthly item ticked later
    in its month, leave recorded after the fact, a checklist issued in catch-up) marks
    the week `stale` in its own transaction: readers count that week live until the
    tick has counted it again.
    """

    week_start = models.DateField(unique=True)
    summarised_at = models.DateTimeField(null=True, blank=True)
    stale = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"week of {self.week_start}{' (stale)' if self.stale else ''}"
