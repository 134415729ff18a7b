"""Value stream economics: programs, the VSM's budget per period, spend and revenue.

A program is what money is allocated to (the calling program, a campaign);
ROI = (attributed revenue - spend) / spend, per program and per value stream.
The five stages are `roles.models.Stage`.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from roles.models import ValueStream

MONEY = {"max_digits": 12, "decimal_places": 2}


class Program(models.Model):
    class Kind(models.TextChoices):
        CALLING = "calling", "Calling program"
        CAMPAIGN = "campaign", "Follow-up campaign"
        OTHER = "other", "Other"

    value_stream = models.ForeignKey(ValueStream, on_delete=models.CASCADE, related_name="programs")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CAMPAIGN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["value_stream", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["value_stream", "name"], name="valuestream_program_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class BudgetAllocation(models.Model):
    """Money the VSM allocates to a program for a period (inclusive dates)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="allocations")
    period_start = models.DateField()
    period_end = models.DateField()
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    allocated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "period_start"], name="valuestream_allocation_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="valuestream_allocation_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.amount} ({self.period_start} – {self.period_end})"


class SpendEntry(models.Model):
    """Money spent on a program. `source` names what caused it ("execution:12"), once."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="spend")
    spent_on = models.DateField()
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    description = models.CharField(max_length=200)
    source = models.CharField(max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-spent_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source"], condition=~Q(source=""), name="valuestream_spend_source_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.amount} on {self.spent_on}"


class RevenueEntry(models.Model):
    """Revenue attributed to a program when a prospect is won (once per prospect and program)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="revenue")
    prospect = models.ForeignKey(
        "valuestream.Prospect", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="revenue",
    )  # fmt: skip
    won_on = models.DateField()
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-won_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "prospect"], name="valuestream_revenue_once_per_prospect"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.amount} won {self.won_on}"
