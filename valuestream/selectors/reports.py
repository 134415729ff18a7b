"""The campaign report: the funnel per campaign and per step, cost and ROI, and
outcome rates per script version. A fixed number of grouped queries."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from valuestream.models import (
    CallLog,
    Campaign,
    Enrollment,
    Prospect,
    RevenueEntry,
    SpendEntry,
    Step,
    StepExecution,
)

SENT = (StepExecution.Status.SENT, StepExecution.Status.UNCONFIRMED)
FUNNEL_STAGES = ("enrolled", "emailed", "called", "connected", "meetings", "won")


@dataclass
class StepRow:
    step: Step
    reached: int = 0  # executions of any kind
    emailed: int = 0
    mailed: int = 0
    called: int = 0
    connected: int = 0
    meetings: int = 0
    waiting: int = 0  # calls still in a queue


@dataclass
class Bar:
    label: str
    count: int
    width: float  # percent of the first bar
    y: int


@dataclass
class Funnel:
    campaign: Campaign
    stages: dict[str, int]
    steps: list[StepRow]
    cost: Decimal
    revenue: Decimal
    scripts: list[dict] = field(default_factory=list)

    @property
    def roi(self) -> Decimal | None:
        if not self.cost:
            return None
        return ((self.revenue - self.cost) / self.cost * 100).quantize(Decimal("0.1"))

    @property
    def bars(self) -> list[Bar]:
        top = max(self.stages["enrolled"], 1)
        return [
            Bar(name.capitalize(), count, round(count * 100 / top, 1), 10 + index * 34)
            for index, (name, count) in enumerate(self.stages.items())
        ]


def _distinct_enrollments(queryset, **filters) -> int:
    return queryset.filter(**filters).values("enrollment_id").distinct().count()


def campaign_funnel(campaign: Campaign) -> Funnel:
    executions = StepExecution.objects.filter(step__campaign=campaign)
    calls = CallLog.objects.filter(campaign=campaign)
    email_kinds = (Step.Kind.EMAIL, Step.Kind.AUTO_RESPONDER)
    enrolled_prospects = Enrollment.objects.filter(campaign=campaign).values("prospect_id")
    won = RevenueEntry.objects.filter(
        program_id=campaign.program_id, prospect__in=enrolled_prospects
    )
    stages = {
        "enrolled": Enrollment.objects.filter(campaign=campaign).count(),
        "emailed": _distinct_enrollments(executions, step__kind__in=email_kinds, status__in=SENT),
        "called": calls.values("prospect_id").distinct().count(),
        "connected": calls.filter(disposition__in=CallLog.CONNECTED)
        .values("prospect_id")
        .distinct()
        .count(),
        "meetings": calls.filter(disposition=CallLog.Disposition.MEETING)
        .values("prospect_id")
        .distinct()
        .count(),
        "won": won.count(),
    }
    rows = {step.pk: StepRow(step) for step in campaign.steps.select_related("script")}
    for entry in executions.values("step_id", "status").annotate(n=Count("pk")):
        row = rows[entry["step_id"]]
        row.reached += entry["n"]
        if entry["status"] in SENT:
            row.emailed += entry["n"]
        if entry["status"] == StepExecution.Status.CALL_DUE:
            row.waiting += entry["n"]
        if entry["status"] == StepExecution.Status.DONE and row.step.kind == Step.Kind.DIRECT_MAIL:
            row.mailed += entry["n"]
    per_step_calls = (
        calls.filter(execution__isnull=False)
        .values("execution__step_id")
        .annotate(
            called=Count("execution_id", distinct=True),
            connected=Count(
                "execution_id", filter=Q(disposition__in=CallLog.CONNECTED), distinct=True
            ),
            meetings=Count("pk", filter=Q(disposition=CallLog.Disposition.MEETING)),
        )
    )
    for entry in per_step_calls:
        row = rows.get(entry["execution__step_id"])
        if row is not None:
            row.called, row.connected, row.meetings = (
                entry["called"], entry["connected"], entry["meetings"],
            )  # fmt: skip
    cost = SpendEntry.objects.filter(program_id=campaign.program_id).aggregate(total=Sum("amount"))[
        "total"
    ] or Decimal(0)
    revenue = won.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return Funnel(
        campaign=campaign,
        stages=stages,
        steps=sorted(rows.values(), key=lambda row: row.step.position),
        cost=cost,
        revenue=revenue,
        scripts=script_outcomes(campaign),
    )


def script_outcomes(campaign: Campaign) -> list[dict]:
    """Per script version used in the campaign's calls: calls and each disposition's rate."""
    rows = (
        CallLog.objects.filter(campaign=campaign, script_version__isnull=False)
        .values("script_version_id", "script_version__number", "script_version__script__name")
        .annotate(
            calls=Count("pk"),
            connected=Count("pk", filter=Q(disposition__in=CallLog.CONNECTED)),
            meetings=Count("pk", filter=Q(disposition=CallLog.Disposition.MEETING)),
            voicemails=Count("pk", filter=Q(disposition=CallLog.Disposition.VOICEMAIL)),
        )
        .order_by("script_version__script__name", "script_version__number")
    )
    return [
        {
            "script": row["script_version__script__name"],
            "version": row["script_version__number"],
            "calls": row["calls"],
            "connect_rate": round(row["connected"] * 100 / row["calls"], 1),
            "meeting_rate": round(row["meetings"] * 100 / row["calls"], 1),
            "voicemail_rate": round(row["voicemails"] * 100 / row["calls"], 1),
        }
        for row in rows
    ]


def campaign_prospect_rows(campaign: Campaign):
    """Every enrolment of the campaign with its prospect and state, for the export."""
    return (
        Enrollment.objects.filter(campaign=campaign)
        .select_related("prospect", "next_step", "caller")
        .order_by("prospect__last_name", "prospect__first_name", "pk")
        .iterator(chunk_size=2000)
    )


def meetings_to_win(campaign: Campaign, limit: int = 50) -> list:
    """The campaign's prospects with a meeting booked, newest first, and whether won."""
    won = RevenueEntry.objects.filter(program_id=campaign.program_id).values("prospect_id")
    return list(
        Prospect.objects.filter(
            calls__campaign=campaign, calls__disposition=CallLog.Disposition.MEETING
        )
        .exclude(pk__in=won)
        .distinct()
        .order_by("last_name", "first_name")[:limit]
    )
