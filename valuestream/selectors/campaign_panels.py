"""The dashboard's and the weekly agenda's campaign panels: each campaign's funnel,
this week's calls by outcome, and budget, spend, attributed revenue and ROI per
program and for the value stream.

Plain, JSON-safe values (the weekly review freezes them in its agenda), read in a
fixed number of grouped queries however many campaigns, prospects and calls there
are. The numbers are those of the campaign report (selectors.reports) and the
budget page (selectors.economics), counted for every campaign at once.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from roles.models import Team, ValueStream
from valuestream.models import CallLog, Campaign, Enrollment, Program, Step, StepExecution
from valuestream.selectors.economics import economics, roi_percent
from valuestream.selectors.reports import FUNNEL_STAGES, SENT

BAR_PITCH = 14
EMAIL_KINDS = (Step.Kind.EMAIL, Step.Kind.AUTO_RESPONDER)
# A prospect of the campaign won for the campaign's program (as the campaign report counts).
WON = Q(prospect__revenue__program_id=F("campaign__program_id"))


def _money(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01")))


def _roi(revenue: Decimal, spent: Decimal) -> str | None:
    roi = roi_percent(revenue, spent)
    return None if roi is None else str(roi)


def _per_campaign(rows, key: str = "campaign_id") -> dict[int, dict]:
    return {row.pop(key): row for row in rows}


def campaign_panels(
    *, value_stream: ValueStream, teams: list[Team], whole: bool, week_start: date, week_end: date
) -> dict | None:
    """The panels for `teams` of `value_stream`; None while it has neither campaign nor program.

    Budget, spend and ROI per program are the VSM's (`whole`); a TC sees their
    teams' campaigns and calls.
    """
    campaigns = list(
        Campaign.objects.filter(value_stream=value_stream, team__in=teams)
        .select_related("team", "program")
        .order_by("-event_date", "pk")
    )
    programs_exist = whole and Program.objects.filter(value_stream=value_stream).exists()
    if not campaigns and not programs_exist:
        return None
    ids = [campaign.pk for campaign in campaigns]
    enrolled = _per_campaign(
        Enrollment.objects.filter(campaign_id__in=ids)
        .values("campaign_id")
        .annotate(
            # Revenue rows join in, so the enrolments are counted distinct.
            enrolled=Count("pk", distinct=True),
            won=Count("prospect__revenue", filter=WON, distinct=True),
            revenue=Sum("prospect__revenue__amount", filter=WON),
        )
    )
    emailed = _per_campaign(
        StepExecution.objects.filter(
            step__campaign_id__in=ids, step__kind__in=EMAIL_KINDS, status__in=SENT
        )
        .values(campaign_id=F("step__campaign_id"))
        .annotate(emailed=Count("enrollment_id", distinct=True))
    )
    called = _per_campaign(
        CallLog.objects.filter(campaign_id__in=ids)
        .values("campaign_id")
        .annotate(
            called=Count("prospect_id", distinct=True),
            connected=Count(
                "prospect_id", filter=Q(disposition__in=CallLog.CONNECTED), distinct=True
            ),
            meetings=Count(
                "prospect_id", filter=Q(disposition=CallLog.Disposition.MEETING), distinct=True
            ),
        )
    )
    figures = economics([value_stream])[0]
    by_program = {row.program.pk: row for row in figures.programs}
    rows = []
    for campaign in campaigns:
        counts = {
            **enrolled.get(campaign.pk, {}),
            **emailed.get(campaign.pk, {}),
            **called.get(campaign.pk, {}),
        }
        program = by_program.get(campaign.program_id)
        spent = program.spent if program else Decimal(0)
        revenue = counts.pop("revenue", None) or Decimal(0)
        stages = {stage: counts.get(stage, 0) for stage in FUNNEL_STAGES}
        top = max(stages["enrolled"], 1)
        rows.append(
            {
                "id": campaign.pk,
                "name": campaign.name,
                "team": campaign.team.name,
                "status": campaign.get_status_display(),
                "program": campaign.program.name,
                "stages": stages,
                # The funnel chart's bars, BAR_PITCH apart, as wide as a share of the first.
                "bars": [
                    {
                        "label": stage.capitalize(),
                        "count": n,
                        "width": round(n * 100 / top, 1),
                        "y": index * BAR_PITCH,
                        "text_y": index * BAR_PITCH + BAR_PITCH - 3,
                    }
                    for index, (stage, n) in enumerate(stages.items())
                ],
                "chart_height": len(stages) * BAR_PITCH,
                "spent": _money(spent),
                "revenue": _money(revenue),
                "roi": _roi(revenue, spent),
            }
        )
    calls = (
        CallLog.objects.filter(
            campaign__value_stream=value_stream,
            campaign__team__in=teams,
            called_on__gte=week_start,
            called_on__lte=week_end,
        )
        .values("disposition")
        .annotate(n=Count("pk"))
    )
    labels = dict(CallLog.Disposition.choices)
    outcomes = {row["disposition"]: row["n"] for row in calls}
    week_calls = {
        "made": sum(outcomes.values()),
        "outcomes": [
            {"label": labels[key], "count": outcomes.get(key, 0)} for key in CallLog.Disposition
        ],
    }
    budget = None
    if whole:
        budget = {
            "programs": [
                {
                    "name": row.program.name,
                    "allocated": _money(row.allocated),
                    "spent": _money(row.spent),
                    "revenue": _money(row.revenue),
                    "roi": _roi(row.revenue, row.spent),
                }
                for row in figures.programs
            ],
            "allocated": _money(figures.allocated),
            "spent": _money(figures.spent),
            "revenue": _money(figures.revenue),
            "roi": _roi(figures.revenue, figures.spent),
        }
    return {"campaigns": rows, "calls": week_calls, "budget": budget}
