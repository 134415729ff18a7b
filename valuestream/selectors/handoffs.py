"""Reads for the handoffs page and the hand-off form."""

from django.db.models import QuerySet

from roles.models import Team, User
from valuestream import policy
from valuestream.models import Handoff, Prospect

SHOWN = 100


def _joined(handoffs: QuerySet[Handoff]) -> QuerySet[Handoff]:
    return handoffs.select_related(
        "prospect", "from_team", "to_team", "handed_off_by", "acknowledged_by"
    )


def handoffs_to_acknowledge(user: User) -> list[Handoff]:
    """Pending handoffs into the teams `user` coordinates, oldest first: the TC's to-do."""
    if not user.is_authenticated:
        return []
    pending = Handoff.objects.filter(acknowledged_at__isnull=True, to_team__coordinator=user)
    return list(_joined(pending).order_by("handed_off_at", "pk")[:SHOWN])


def handoffs_waiting(user: User) -> list[Handoff]:
    """Pending handoffs `user` sees but does not acknowledge: their teams' outgoing ones,
    and incoming ones of teams they are in without coordinating them."""
    pending = policy.visible_handoffs(user).filter(acknowledged_at__isnull=True)
    if user.is_authenticated:
        pending = pending.exclude(to_team__coordinator=user)
    return list(_joined(pending).order_by("handed_off_at", "pk")[:SHOWN])


def handoffs_recent(user: User) -> list[Handoff]:
    acknowledged = policy.visible_handoffs(user).filter(acknowledged_at__isnull=False)
    return list(_joined(acknowledged).order_by("-acknowledged_at", "-pk")[:20])


def handoff_for(user: User, handoff_id: int) -> Handoff | None:
    return policy.visible_handoffs(user).filter(pk=handoff_id).first()


def prospect_for(user: User, prospect_id: int) -> Prospect | None:
    """The prospect, if `user` sees it, with its team's people and its open handoff."""
    prospect = (
        policy.visible_prospects(user)
        .select_related("team")
        .prefetch_related("team__memberships", "team__value_streams")
        .filter(pk=prospect_id)
        .first()
    )
    if prospect is not None:
        prospect.pending_handoff = _joined(
            prospect.handoffs.filter(acknowledged_at__isnull=True)
        ).first()
    return prospect


def receiving_teams(prospect: Prospect) -> QuerySet[Team]:
    """The sales teams that share a value stream with the prospect's team, but for it."""
    streams = prospect.team.value_streams.all()
    ids = Team.objects.filter(value_streams__in=streams).values("pk")
    return (
        Team.objects.filter(pk__in=ids, kind=Team.Kind.SALES_MARKETING)
        .exclude(pk=prospect.team_id)
        .prefetch_related("value_streams")
        .order_by("name")
    )
