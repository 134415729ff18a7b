"""Improvement: PDCA/SDCA cycles, their history, control points and measurements.

Order: standard <- rhythm <- improvement <- followup. Improvement imports
standard (a cycle checks or changes a StandardWorkTemplate); followup's Action
points at Cycle.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from roles.models import Stage, Team
from standardwork.models.standard import StandardWorkTemplate


class Cycle(models.Model):
    """A PDCA cycle (improve the standard) or an SDCA cycle (keep it), per team and stage."""

    class Kind(models.TextChoices):
        PDCA = "pdca", "PDCA"
        SDCA = "sdca", "SDCA"

    class Phase(models.TextChoices):
        PLAN = "plan", "Plan"  # SDCA: Standardize
        DO = "do", "Do"
        CHECK = "check", "Check"
        ACT = "act", "Act"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        ADOPT = "adopt", "Adopt: the standard changes"
        ABANDON = "abandon", "Abandon"
        FOLLOW_UP = "follow_up", "Start a follow-up cycle"
        STANDARD_HOLDS = "holds", "The standard holds"
        CORRECTED = "corrected", "Corrective action taken"

    kind = models.CharField(max_length=4, choices=Kind.choices, default=Kind.PDCA)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="cycles")
    stage = models.CharField(
        max_length=20,
        choices=Stage.choices,
        blank=True,
        help_text="The value-stream stage it covers; blank for a whole sales cycle.",
    )
    title = models.CharField(max_length=200)
    problem = models.TextField(blank=True, max_length=2000)
    hypothesis = models.TextField(blank=True, max_length=2000)
    target = models.CharField(max_length=300, blank=True)
    standard = models.ForeignKey(
        StandardWorkTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cycles",
        help_text="The standard work this cycle checks (SDCA) or may change (PDCA).",
    )
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.PLAN)
    check_result = models.TextField(blank=True, max_length=2000)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(max_length=1000, blank=True)
    corrective_action = models.CharField(max_length=1000, blank=True)
    follow_up = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="follows"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class CycleEvent(models.Model):
    """Append-only history of a cycle's phase changes."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_phase = models.CharField(max_length=10, choices=Cycle.Phase.choices)
    to_phase = models.CharField(max_length=10, choices=Cycle.Phase.choices)
    note = models.CharField(max_length=1000, blank=True)
    # The move's instant, given by the service (the demo's moves happened in the past);
    # never changed afterwards.
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.from_phase} -> {self.to_phase}"


class ControlPoint(models.Model):
    """A measure the TC watches: target, optional set limits, and an XmR chart of its values."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="control_points")
    cycle = models.ForeignKey(
        Cycle, on_delete=models.SET_NULL, null=True, blank=True, related_name="control_points"
    )
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=30, help_text="e.g. calls, %, meetings")
    target = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    lower_limit = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    upper_limit = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    allows_negative = models.BooleanField(
        default=False,
        db_default=False,  # rows written in bulk (the scale seed) leave it out
        help_text="Whether a value may be below zero (a count may not).",
    )
    plausible_min = models.DecimalField(
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="The lowest value that can be true; lower is refused as a typing error.",
    )
    plausible_max = models.DecimalField(
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="The highest value that can be true; higher is refused as a typing error.",
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "name"], name="standardwork_control_point_name"
            ),
            models.CheckConstraint(
                condition=Q(lower_limit__isnull=True)
                | Q(upper_limit__isnull=True)
                | Q(lower_limit__lt=models.F("upper_limit")),
                name="standardwork_control_point_limits_ordered",
            ),
            models.CheckConstraint(
                condition=Q(plausible_min__isnull=True)
                | Q(plausible_max__isnull=True)
                | Q(plausible_min__lt=models.F("plausible_max")),
                name="standardwork_control_point_plausible_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class ControlPointBaseline(models.Model):
    """Where a control point's process changed: its values from `starts_on` get new limits.

    Written when a cycle adopts a change the control point measures, or when
    the team's coordinator records a process change. The values before keep
    the limits of their own baseline.
    """

    control_point = models.ForeignKey(
        ControlPoint, on_delete=models.CASCADE, related_name="baselines"
    )
    starts_on = models.DateField()
    reason = models.CharField(max_length=300)
    cycle = models.ForeignKey(
        Cycle,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="baselines",
        help_text="The adopted cycle that changed the process, if it was one.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["control_point", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["control_point", "starts_on"], name="standardwork_baseline_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.control_point.name} from {self.starts_on}: {self.reason}"


class Measurement(models.Model):
    """One value of a control point, entered by hand.

    `out_of_limits` and `signal` hold what `standardwork.xmr.judge` says of it
    in the whole series; every write to the control point's values or
    baselines judges them again. A voided value stays, out of the series.
    """

    control_point = models.ForeignKey(
        ControlPoint, on_delete=models.CASCADE, related_name="measurements"
    )
    value = models.DecimalField(max_digits=12, decimal_places=3)
    measured_on = models.DateField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    out_of_limits = models.BooleanField(
        default=False, help_text="A signal by one of the detection rules or the set limits."
    )
    signal = models.CharField(max_length=300, blank=True, help_text="Which rules fired, in words.")
    voided_at = models.DateTimeField(
        null=True, blank=True, help_text="Taken out of the series (the reason is in its history)."
    )

    class Meta:
        ordering = ["measured_on", "pk"]
        indexes = [
            models.Index(
                fields=["control_point", "measured_on"], name="standardwork_measurement_day"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["control_point", "measured_on"],
                condition=Q(voided_at__isnull=True),
                name="standardwork_measurement_one_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.control_point.name} {self.measured_on}: {self.value}"


class MeasurementChange(models.Model):
    """The history of a value: each correction or voiding, with its reason and who made it."""

    class Kind(models.TextChoices):
        CORRECTED = "corrected", "Corrected"
        VOIDED = "voided", "Voided"

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    old_value = models.DecimalField(max_digits=12, decimal_places=3)
    new_value = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    reason = models.CharField(max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.measurement}: {self.get_kind_display()}"
