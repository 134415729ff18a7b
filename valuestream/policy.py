"""Who may see and do what with prospects, campaigns, calls, training and budgets.

Built on the organisation's predicates in `roles.policy`. A team sees only
its own prospects and campaigns (its members, TL and TC, and the VSM of a
value stream it serves); the views fetch through these querysets, so an
outsider's id is a 404. Only the VSM allocates budget. One function per
rule: the service enforces it, and the view and the template ask the same
function to decide what to offer.
"""

from django.db.models import Q, QuerySet

from roles import policy as organisation
from roles.models import Membership, Team, User, ValueStream
from valuestream.models import (
    Campaign,
    Handoff,
    Holiday,
    Prospect,
    ProspectImport,
    Recording,
    StepExecution,
    TrainingSession,
)

NOT_CAMPAIGN_MANAGER = "Only the team's leader or its value stream's VSM runs its campaigns."
NOT_VSM = "Only the value stream's VSM allocates its budget."
NOT_CALLER = "Only the caller, or the team's leader or coordinator, logs this call."
NOT_TRAINER = "Only the team's coordinator logs its script-playback training."
NOT_IN_TEAM = "Only people in the team record this."
NOT_HANDING_OFF = "Only people in the team that has the prospect hand it off."
NOT_RECEIVING_TC = "Only the coordinator of the receiving team acknowledges a handoff."
NOT_HOLIDAY_KEEPER = "Only a value stream's VSM changes the holidays."


def visible_campaigns(user: User) -> QuerySet[Campaign]:
    return Campaign.objects.filter(team__in=organisation.visible_teams(user))


def visible_prospects(user: User) -> QuerySet[Prospect]:
    return Prospect.objects.filter(team__in=organisation.visible_teams(user))


def visible_imports(user: User) -> QuerySet[ProspectImport]:
    return ProspectImport.objects.filter(team__in=organisation.visible_teams(user))


def visible_handoffs(user: User) -> QuerySet[Handoff]:
    """Both teams see a handoff: the sender follows it, the receiver acts on it."""
    teams = organisation.visible_teams(user)
    return Handoff.objects.filter(Q(from_team__in=teams) | Q(to_team__in=teams))


def can_hand_off(user: User, team: Team) -> bool:
    """Hand a prospect of `team` to another team: its members, TL and TC (the people who
    work the prospect know when it is ready; the TC steps in at handoffs)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or organisation.in_team(user, team)


def can_acknowledge_handoff(user: User, handoff: Handoff) -> bool:
    """Only the receiving team's coordinator: not its TL, not the VSM, not an administrator.
    The acknowledgement says a named person took the prospect in."""
    return user.is_authenticated and handoff.to_team.coordinator_id == user.pk


def visible_holidays(user: User) -> QuerySet[Holiday]:
    """The holidays are the organisation's, one list for every send window: everyone who
    runs or serves a value stream reads them."""
    if not user.is_authenticated:
        return Holiday.objects.none()
    return Holiday.objects.all()


def can_manage_holidays(user: User) -> bool:
    """A VSM (or an administrator) adds and removes holidays. The list holds for every
    campaign's send window, so it is changed by the people with the final say over a
    value stream, not by a team's coordinator, who serves one team among several."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or ValueStream.objects.filter(vsm=user).exists()


def visible_training(user: User) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(team__in=organisation.visible_teams(user))


def visible_recordings(user: User) -> QuerySet[Recording]:
    return Recording.objects.filter(session__team__in=organisation.visible_teams(user))


def visible_calls_due(user: User) -> QuerySet[StepExecution]:
    return StepExecution.objects.filter(
        enrollment__campaign__team__in=organisation.visible_teams(user)
    )


def can_manage_campaigns(user: User, team: Team) -> bool:
    """Create campaigns for a team, edit their steps, add scripts, import prospects:
    its TL or the VSM above it."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or organisation.leads_team(user, team)
        or organisation.is_vsm_above(user, team)
    )


def manageable_teams(user: User) -> QuerySet[Team]:
    """The sales teams whose campaigns `user` may run."""
    if not user.is_authenticated:
        return Team.objects.none()
    teams = Team.objects.filter(kind=Team.Kind.SALES_MARKETING)
    if user.is_superuser:
        return teams
    ids = Team.objects.filter(
        Q(memberships__user=user, memberships__role=Membership.Role.LEADER)
        | Q(value_streams__vsm=user)
    ).values("pk")
    return teams.filter(pk__in=ids)


def can_work_campaign(user: User, team: Team) -> bool:
    """Record a reply, log a call: anyone in the team, and the VSM above it."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or organisation.in_team(user, team)
        or organisation.is_vsm_above(user, team)
    )


def can_log_call(user: User, execution: StepExecution, team: Team) -> bool:
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or execution.caller_id == user.pk
        or organisation.leads_team(user, team)
        or organisation.coordinates_team(user, team)
    )


def can_allocate_budget(user: User, value_stream: ValueStream) -> bool:
    """Only the VSM of the value stream: not an administrator, not a TC."""
    return user.is_authenticated and value_stream.vsm_id == user.pk


def can_view_economics(user: User, value_stream: ValueStream) -> bool:
    return user.is_authenticated and (user.is_superuser or value_stream.vsm_id == user.pk)


def can_log_training(user: User, team: Team) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or organisation.coordinates_team(user, team)


# --- the weekly review and the dashboard (issue 11) ----------------------------------


def dashboard_value_streams(user: User) -> QuerySet[ValueStream]:
    """Value streams whose dashboard `user` opens: their own as VSM, those they coordinate
    teams in as TC (for those teams only), every one for an administrator."""
    if not user.is_authenticated:
        return ValueStream.objects.none()
    if user.is_superuser:
        return ValueStream.objects.all()
    ids = ValueStream.objects.filter(Q(vsm=user) | Q(teams__coordinator=user)).values("pk")
    return ValueStream.objects.filter(pk__in=ids)


def sees_whole_value_stream(user: User, value_stream: ValueStream) -> bool:
    """The VSM (or an administrator) sees every team; a TC only the teams they coordinate."""
    return user.is_authenticated and (user.is_superuser or value_stream.vsm_id == user.pk)


def review_attendee_ids(value_stream: ValueStream, teams: list[Team]) -> list[int]:
    """Who attends the weekly review: the VSM, the TCs and TLs of its teams (the Marketing
    Communication department serving it is one of them: its lead), in that order.
    `teams` come with their memberships."""
    ids = [value_stream.vsm_id]
    for team in teams:
        if team.coordinator_id:
            ids.append(team.coordinator_id)
        ids.extend(
            membership.user_id
            for membership in team.memberships.all()
            if membership.role == Membership.Role.LEADER
        )
    return list(dict.fromkeys(ids))


def review_value_streams(user: User) -> QuerySet[ValueStream]:
    """Value streams whose weekly reviews `user` may read: those they attend and, for an
    administrator, all."""
    if user.is_authenticated and user.is_superuser:
        return ValueStream.objects.all()
    return attended_value_streams(user)


def attended_value_streams(user: User) -> QuerySet[ValueStream]:
    """Value streams whose weekly review `user` attends: as its VSM, a TC or TL of one of
    its teams, or Marketing Communication's lead when the department serves it."""
    if not user.is_authenticated:
        return ValueStream.objects.none()
    leader = Membership.Role.LEADER
    wanted = (
        Q(vsm=user)
        | Q(teams__coordinator=user)
        | Q(teams__memberships__user=user, teams__memberships__role=leader)
    )
    return ValueStream.objects.filter(pk__in=ValueStream.objects.filter(wanted).values("pk"))


def can_record_review(user: User, value_stream: ValueStream) -> bool:
    """The VSM chairs the review and records it (an administrator may too)."""
    return organisation.can_manage_value_stream(user, value_stream)
