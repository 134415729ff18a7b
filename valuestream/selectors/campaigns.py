"""Reads for the campaign pages: lists, the detail with its steps, imports."""

from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet

from roles import policy as organisation
from roles.models import User
from valuestream import policy
from valuestream.models import (
    CallScript,
    Campaign,
    Enrollment,
    ProspectImport,
    ScriptVersion,
    Step,
)


def campaign_list(user: User) -> QuerySet[Campaign]:
    return (
        policy.visible_campaigns(user)
        .select_related("team", "value_stream", "program")
        .annotate(
            enrolled=Count("enrollments", distinct=True),
            active=Count("enrollments", filter=Q(enrollments__status="active"), distinct=True),
        )
        .order_by("-event_date", "name")
    )


def campaign_for(user: User, campaign_id: int) -> Campaign | None:
    """The campaign, if `user` may see it, with its team's people (for the rules)."""
    return (
        policy.visible_campaigns(user)
        .select_related("team", "value_stream", "program", "sender")
        .prefetch_related("team__memberships", "team__value_streams")
        .filter(pk=campaign_id)
        .first()
    )


def campaign_steps(campaign: Campaign) -> list[Step]:
    return list(
        campaign.steps.select_related("script")
        .annotate(runs=Count("executions"))
        .order_by("position")
    )


def team_scripts(campaign: Campaign) -> list[CallScript]:
    """The team's scripts with their versions, newest first (the current one leads)."""
    return list(
        CallScript.objects.filter(team_id=campaign.team_id)
        .prefetch_related(Prefetch("versions", queryset=ScriptVersion.objects.order_by("-number")))
        .order_by("name")
    )


def campaign_imports(campaign: Campaign) -> QuerySet[ProspectImport]:
    return campaign.imports.select_related("uploaded_by").order_by("-created_at")[:5]


def recent_enrollments(campaign: Campaign, limit: int = 25) -> list[Enrollment]:
    return list(
        campaign.enrollments.select_related("prospect", "next_step", "caller").order_by(
            "-enrolled_at", "-pk"
        )[:limit]
    )


def enrollment_for(user: User, enrollment_id: int) -> Enrollment | None:
    return (
        Enrollment.objects.filter(campaign__in=policy.visible_campaigns(user), pk=enrollment_id)
        .select_related("campaign__team")
        .first()
    )


def step_for(user: User, step_id: int) -> Step | None:
    return (
        Step.objects.filter(campaign__in=policy.visible_campaigns(user), pk=step_id)
        .select_related("campaign__team")
        .prefetch_related("campaign__team__memberships", "campaign__team__value_streams")
        .first()
    )


def script_for(user: User, script_id: int) -> CallScript | None:
    return (
        CallScript.objects.filter(team__in=organisation.visible_teams(user), pk=script_id)
        .select_related("team")
        .prefetch_related("team__memberships", "team__value_streams")
        .first()
    )


def import_for(user: User, import_id: int) -> ProspectImport | None:
    return (
        policy.visible_imports(user).select_related("team", "campaign").filter(pk=import_id).first()
    )


# An upload whose import task was never queued (the broker was down at the commit) or
# was lost with its broker waits this long before a tick queues it again; longer than
# a queued task waits for a free worker.
STRANDED_IMPORT_AFTER = timedelta(minutes=10)


def imports_stranded(*, now: datetime) -> list[int]:
    """Uploads still queued (never started) well after they were made."""
    return list(
        ProspectImport.objects.filter(
            status=ProspectImport.Status.QUEUED, created_at__lt=now - STRANDED_IMPORT_AFTER
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:100]
    )
