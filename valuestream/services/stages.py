"""A prospect moving on to another stage: it moves, or it is handed off.

When the prospect's own team serves the new stage, the stage simply changes.
When another sales team of the value stream serves it, the move is a handoff
that team's coordinator acknowledges (valuestream.services.handoffs); until then
the prospect stays where it was. Kept apart from the handoff pages' services so
that recording a call or a win (calls, economics) can move a prospect without
importing the campaign services those pages use.
"""

from datetime import datetime

from roles.models import Stage, Team, User
from standardwork.models import Notice
from standardwork.services.followup import notice_about, notice_send
from valuestream.models import Handoff, Prospect

# Stages before a meeting: a booked meeting moves the prospect on to acquisition.
BEFORE_MEETING = {Stage.IDENTIFICATION, Stage.VALUE}


def prospect_stage_move(
    *, prospect_id: int, stage: str, value_stream_id: int, by: User, note: str, now: datetime,
    only_from: set[str] | None = None,
) -> Handoff | None:  # fmt: skip
    """Move the prospect on to `stage`, or hand it to the team that serves it.

    The receiving team is the first by name of the value stream's sales teams with
    a coordinator that serve `stage` (whoever records a meeting or a win does not
    choose the destination; the receiving TC can hand it on). When no other team
    serves it, the prospect's own team keeps it and moves it itself: someone must
    answer for it. A prospect already waiting on a handoff is left to that one, and
    one outside `only_from` (when given) is not moved. Runs inside the caller's
    transaction; locks the prospect."""
    prospect = Prospect.objects.select_for_update().get(pk=prospect_id)
    if prospect.stage == stage or (only_from is not None and prospect.stage not in only_from):
        return None
    if Handoff.objects.filter(prospect=prospect, acknowledged_at__isnull=True).exists():
        return None
    team = Team.objects.get(pk=prospect.team_id)
    if stage not in team.stages:
        receiving = next(
            (
                candidate
                for candidate in Team.objects.filter(
                    value_streams=value_stream_id,
                    kind=Team.Kind.SALES_MARKETING,
                    coordinator__isnull=False,
                )
                .exclude(pk=team.pk)
                .order_by("name")
                if stage in candidate.stages
            ),
            None,
        )
        if receiving is not None:
            return handoff_open(
                prospect=prospect, from_team=team, to_team=receiving, stage=stage, note=note,
                by=by, now=now,
            )  # fmt: skip
    Prospect.objects.filter(pk=prospect.pk).update(stage=stage, updated_at=now)
    return None


def handoff_open(
    *, prospect: Prospect, from_team: Team, to_team: Team, stage: str, note: str, by: User,
    now: datetime,
) -> Handoff:  # fmt: skip
    """Write the handoff and tell the receiving coordinator; the caller has checked it."""
    handoff = Handoff(
        prospect=prospect,
        from_team=from_team,
        to_team=to_team,
        from_stage=prospect.stage,
        stage=stage,
        note=" ".join(note.split()),
        handed_off_by=by,
        handed_off_at=now,
    )
    handoff.full_clean(
        exclude=["prospect", "from_team", "to_team", "handed_off_by"], validate_constraints=False
    )
    handoff.save()
    company = f" ({prospect.company})" if prospect.company else ""
    notice_send(
        recipient_id=to_team.coordinator_id,
        kind=Notice.Kind.HANDOFF,
        day=now.astimezone(to_team.zone).date(),
        text=f"{from_team.name} hands {prospect}{company} to {to_team.name} for "
        f"{Stage(stage).label}: acknowledge it to take the prospect in.",
        url_name="valuestream:handoff_list",
        email=True,
        about=notice_about("handoff", handoff.pk),
    )
    return handoff
