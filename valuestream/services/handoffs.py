"""Handoffs: a prospect moving to a stage another team serves.

A member, the TL or the TC of the team that has the prospect hands it off; the
receiving team's coordinator hears of it (a notice, and its email) and
acknowledges it. Until then the prospect stays with the sending team in its old
stage (see `Handoff`); acknowledging moves its team and stage together and ends
its sequences in the sending team's campaigns, which no longer answer for it.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from roles import policy as organisation
from roles.models import Stage, Team, User
from standardwork.services.followup import notice_about, notices_resolve
from valuestream import policy
from valuestream.models import Enrollment, Handoff, Prospect
from valuestream.services import campaigns as campaign_services
from valuestream.services import stages


def handoff_problems(*, prospect: Prospect, from_team: Team, to_team: Team, stage: str) -> dict:
    """Why `prospect` cannot go to `to_team` for `stage` (field -> message); empty when it can.
    The form asks the same question before the service writes."""
    if to_team.pk == from_team.pk:
        return {"to_team": f"{from_team.name} has {prospect} already."}
    if to_team.kind != Team.Kind.SALES_MARKETING:
        return {"to_team": f"{to_team.name} does not take prospects: choose a sales team."}
    shared = set(to_team.value_streams.values_list("pk", flat=True)) & set(
        from_team.value_streams.values_list("pk", flat=True)
    )
    if not shared:
        return {"to_team": f"{to_team.name} serves none of {from_team.name}'s value streams."}
    if stage not in Stage.values:
        return {"stage": "Choose a stage of the value stream."}
    if stage not in to_team.stages:
        served = ", ".join(to_team.stage_labels()) or "no stage yet"
        return {
            "stage": f"{to_team.name} does not serve {Stage(stage).label} (it serves {served})."
        }
    if to_team.coordinator_id is None:
        return {"to_team": f"{to_team.name} has no coordinator to acknowledge the handoff."}
    return {}


@transaction.atomic
def prospect_hand_off(
    *,
    actor: User,
    prospect_id: int,
    to_team: Team,
    stage: str,
    note: str = "",
    now: datetime | None = None,
) -> Handoff:
    """Hand the prospect to `to_team` for `stage`, and tell that team's coordinator."""
    now = now or timezone.now()
    prospect = Prospect.objects.select_for_update().get(pk=prospect_id)
    from_team = Team.objects.prefetch_related("memberships", "value_streams").get(
        pk=prospect.team_id
    )
    organisation.require(policy.can_hand_off(actor, from_team), policy.NOT_HANDING_OFF)
    errors = handoff_problems(prospect=prospect, from_team=from_team, to_team=to_team, stage=stage)
    if errors:
        raise ValidationError(errors)
    pending = Handoff.objects.filter(prospect=prospect, acknowledged_at__isnull=True).first()
    if pending is not None:
        raise ValidationError(
            f"{prospect} is being handed to {pending.to_team.name} already: "
            "its coordinator has not acknowledged it yet."
        )
    return stages.handoff_open(
        prospect=prospect, from_team=from_team, to_team=to_team, stage=stage, note=note,
        by=actor, now=now,
    )  # fmt: skip


@transaction.atomic
def handoff_acknowledge(*, actor: User, handoff_id: int, now: datetime | None = None) -> Handoff:
    """The receiving TC takes the prospect in: it moves to their team and the new stage.
    Acknowledging twice (a double tap) changes nothing the second time."""
    now = now or timezone.now()
    handoff = (
        Handoff.objects.select_for_update(of=("self",)).select_related("to_team").get(pk=handoff_id)
    )
    organisation.require(policy.can_acknowledge_handoff(actor, handoff), policy.NOT_RECEIVING_TC)
    if handoff.acknowledged_at is not None:
        return handoff
    Prospect.objects.select_for_update().filter(pk=handoff.prospect_id).first()
    Prospect.objects.filter(pk=handoff.prospect_id).update(
        team=handoff.to_team_id, stage=handoff.stage, updated_at=now
    )
    # The sending team's sequences stop: their calls would reach a prospect who is no
    # longer theirs. The receiving team enrols it in its own campaigns as it sees fit.
    campaign_services.enrollments_stop(
        enrollments=Enrollment.objects.filter(prospect_id=handoff.prospect_id).exclude(
            campaign__team_id=handoff.to_team_id
        ),
        reason=Enrollment.StopReason.HANDED_OFF,
        now=now,
    )
    handoff.acknowledged_by = actor
    handoff.acknowledged_at = now
    handoff.save(update_fields=["acknowledged_by", "acknowledged_at"])
    notices_resolve(about=notice_about("handoff", handoff.pk), now=now)
    return handoff
