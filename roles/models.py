"""The organisation: people, value streams, teams and who holds which role.

A person's layer (VSM, TC, TL, member, Marketing Communication) is derived
from these rows, never stored twice: see `roles.layers.layer_of`.
"""

import zoneinfo
from datetime import time

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from roles.fields import MultipleChoiceJSONField


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "%(value)s is not a time zone; use a name like Europe/London.",
            params={"value": value},
            code="invalid_time_zone",
        )


class Weekday(models.IntegerChoices):
    # ISO numbering, as date.isoweekday() returns it.
    MONDAY = 1, "Monday"
    TUESDAY = 2, "Tuesday"
    WEDNESDAY = 3, "Wednesday"
    THURSDAY = 4, "Thursday"
    FRIDAY = 5, "Friday"
    SATURDAY = 6, "Saturday"
    SUNDAY = 7, "Sunday"


class Stage(models.TextChoices):
    """Stages of the customer value stream (DOMAIN.md, "The value stream")."""

    IDENTIFICATION = "identification", "Customer Identification"
    VALUE = "value", "Customer Value"
    ACQUISITION = "acquisition", "Customer Acquisition"
    RETENTION = "retention", "Customer Retention"
    MONITORING = "monitoring", "Customer Monitoring"


class Layer(models.TextChoices):
    """The layers of leader standard work, highest first."""

    VSM = "vsm", "Value Stream Manager"
    TC = "tc", "Team Coordinator"
    TL = "tl", "Team Leader"
    MC = "mc", "Marketing Communication"
    MEMBER = "member", "Team member"


def default_working_days() -> list[int]:
    return [1, 2, 3, 4, 5]


class User(AbstractUser):
    """A person in the organisation. Roles come from ValueStream, Team and Membership."""

    class Meta(AbstractUser.Meta):
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class ValueStream(models.Model):
    """A product/service market, owned by its Value Stream Manager (P&L, final authority)."""

    name = models.CharField(max_length=120, unique=True)
    market = models.CharField(max_length=200, help_text="The product/service market it serves.")
    vsm = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="managed_value_streams",
        verbose_name="value stream manager",
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    weekly_review_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.FRIDAY
    )
    weekly_review_time = models.TimeField(default=time(14, 0))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A cross-functional team, or the Marketing Communication department."""

    class Kind(models.TextChoices):
        SALES_MARKETING = "team", "Sales and marketing team"
        MARKETING_COMMUNICATION = "marcom", "Marketing Communication department"

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SALES_MARKETING)
    value_streams = models.ManyToManyField(ValueStream, related_name="teams", blank=True)
    stages = MultipleChoiceJSONField(
        default=list,
        blank=True,
        item_choices=Stage.choices,
        help_text="The parts of the customer's decision path this team covers.",
    )
    coordinator = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="coordinated_teams",
        null=True,
        blank=True,
        verbose_name="team coordinator",
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    standup_time = models.TimeField(default=time(9, 0), verbose_name="stand-up time")
    working_days = MultipleChoiceJSONField(
        default=default_working_days, item_choices=Weekday.choices, item_type=int
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            # One Marketing Communication department in the organisation.
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="marcom"),
                name="roles_team_one_marcom_department",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_marketing_communication(self) -> bool:
        return self.kind == self.Kind.MARKETING_COMMUNICATION

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def stage_labels(self) -> list[str]:
        return [Stage(code).label for code in self.stages]

    def working_day_labels(self) -> list[str]:
        return [Weekday(day).label[:3] for day in sorted(self.working_days)]


class Membership(models.Model):
    """A person's place in a team: its Team Leader or a member, with a function."""

    class Role(models.TextChoices):
        LEADER = "leader", "Team Leader"
        MEMBER = "member", "Member"

    class Function(models.TextChoices):
        SALES = "sales", "Sales"
        MARKETING = "marketing", "Marketing"
        IT = "it", "IT"
        SERVICE = "service", "Service"
        OTHER = "other", "Other"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    function = models.CharField(max_length=12, choices=Function.choices, default=Function.SALES)

    class Meta:
        ordering = ["team__name", "role", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="roles_membership_once_per_team"),
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(role="leader"),
                name="roles_membership_one_leader_per_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} of {self.team}"
