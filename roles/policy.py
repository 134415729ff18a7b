"""The access policy: who may see and change which team, value stream and person.

Every view asks here. Visibility is expressed as querysets, and each yes/no
question is answered from the same queryset, so a list and a detail page can
never disagree.

- A team is visible to its members, its Team Coordinator and the VSM of any
  value stream it serves.
- A value stream is visible to its VSM and to everyone in a team serving it.
- A person's own data (standard work, adherence) is visible to that person,
  their Team Leader, their Team Coordinator and the VSM above them.
- Superusers see and change everything.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from roles.models import Membership, Team, User, ValueStream


def visible_teams(user: User) -> QuerySet[Team]:
    if not user.is_authenticated:
        return Team.objects.none()
    if user.is_superuser:
        return Team.objects.all()
    team_ids = Team.objects.filter(
        Q(memberships__user=user) | Q(coordinator=user) | Q(value_streams__vsm=user)
    ).values("pk")
    return Team.objects.filter(pk__in=team_ids)


def managed_teams(user: User) -> QuerySet[Team]:
    """Teams whose set-up (TC, stand-up time, working days) `user` may change."""
    if not user.is_authenticated:
        return Team.objects.none()
    if user.is_superuser:
        return Team.objects.all()
    return Team.objects.filter(pk__in=Team.objects.filter(value_streams__vsm=user).values("pk"))


def visible_value_streams(user: User) -> QuerySet[ValueStream]:
    if not user.is_authenticated:
        return ValueStream.objects.none()
    if user.is_superuser:
        return ValueStream.objects.all()
    ids = ValueStream.objects.filter(
        Q(vsm=user) | Q(teams__coordinator=user) | Q(teams__memberships__user=user)
    ).values("pk")
    return ValueStream.objects.filter(pk__in=ids)


def managed_value_streams(user: User) -> QuerySet[ValueStream]:
    if not user.is_authenticated:
        return ValueStream.objects.none()
    if user.is_superuser:
        return ValueStream.objects.all()
    return ValueStream.objects.filter(vsm=user)


def overseen_people(user: User) -> QuerySet[User]:
    """People whose own data `user` may see: themselves and the layers below them."""
    if not user.is_authenticated:
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    led_teams = Membership.objects.filter(user=user, role=Membership.Role.LEADER).values("team")
    ids = User.objects.filter(
        Q(pk=user.pk)
        | Q(memberships__team__in=led_teams)
        | Q(memberships__team__coordinator=user)
        | Q(memberships__team__value_streams__vsm=user)
        | Q(coordinated_teams__value_streams__vsm=user)
    ).values("pk")
    return User.objects.filter(pk__in=ids)


def can_view_team(user: User, team: Team) -> bool:
    return visible_teams(user).filter(pk=team.pk).exists()


def can_manage_team(user: User, team: Team) -> bool:
    return managed_teams(user).filter(pk=team.pk).exists()


def can_view_value_stream(user: User, value_stream: ValueStream) -> bool:
    return visible_value_streams(user).filter(pk=value_stream.pk).exists()


def can_manage_value_stream(user: User, value_stream: ValueStream) -> bool:
    return managed_value_streams(user).filter(pk=value_stream.pk).exists()


def can_view_person(viewer: User, person: User) -> bool:
    if viewer.is_authenticated and viewer.pk == person.pk:
        return True
    return overseen_people(viewer).filter(pk=person.pk).exists()


def can_create_value_stream(user: User) -> bool:
    return user.is_authenticated and user.is_superuser


def can_create_team(user: User) -> bool:
    """Superusers, and VSMs (for teams serving their own value streams)."""
    return user.is_authenticated and (
        user.is_superuser or ValueStream.objects.filter(vsm=user).exists()
    )


def require(allowed: bool, message: str = "You do not have access to this.") -> None:
    """Refuse before anything is written."""
    if not allowed:
        raise PermissionDenied(message)


def verifiable_people(user: User) -> QuerySet[User]:
    """The layer below, whose standard work `user` verifies (DOMAIN.md, layered).

    A TC verifies the TLs and members of their teams; a VSM the TCs and TLs of
    the teams in their value stream.
    """
    if not user.is_authenticated:
        return User.objects.none()
    leader = Membership.Role.LEADER
    ids = User.objects.filter(
        Q(memberships__team__coordinator=user)
        | Q(memberships__role=leader, memberships__team__value_streams__vsm=user)
        | Q(coordinated_teams__value_streams__vsm=user)
    ).values("pk")
    return User.objects.filter(pk__in=ids).exclude(pk=user.pk)


def can_verify(verifier: User, person: User) -> bool:
    return verifiable_people(verifier).filter(pk=person.pk).exists()


def can_view_team_work(user: User, team: Team) -> bool:
    """Team-level standard-work results: its TL, its TC and the VSM above it."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or team.coordinator_id == user.pk:
        return True
    if Membership.objects.filter(team=team, user=user, role=Membership.Role.LEADER).exists():
        return True
    return team.value_streams.filter(vsm=user).exists()


# --- the daily accountability rhythm (stand-ups, impediments, actions) ---------
#
# These answer from the team's `memberships` and `value_streams`: a page that
# lists many rows prefetches them once and every row is answered without a
# query; a single object costs at most one.


def _is_team_leader(user: User, team: Team) -> bool:
    return any(
        membership.user_id == user.pk and membership.role == Membership.Role.LEADER
        for membership in team.memberships.all()
    )


def _is_vsm_of_team(user: User, team: Team) -> bool:
    return any(value_stream.vsm_id == user.pk for value_stream in team.value_streams.all())


def can_log_standup(user: User, team: Team) -> bool:
    """The team's TC logs its stand-up; its TL heads it and may log too."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or team.coordinator_id == user.pk or _is_team_leader(user, team)


def can_raise_impediment(user: User, team: Team) -> bool:
    """Anyone in the team: its members, its TL and its TC."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or team.coordinator_id == user.pk:
        return True
    return any(membership.user_id == user.pk for membership in team.memberships.all())


def can_change_impediment(user: User, impediment) -> bool:
    """The team's TC owns its impediments; the VSM above may also move them on."""
    if not user.is_authenticated:
        return False
    team = impediment.team
    return user.is_superuser or team.coordinator_id == user.pk or _is_vsm_of_team(user, team)


def can_escalate_impediment(user: User, impediment) -> bool:
    """Only the owner of the impediment, the team's TC, escalates it."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or impediment.team.coordinator_id == user.pk


def can_answer_escalation(user: User, impediment) -> bool:
    """The VSM it was escalated to, while they manage a value stream the team serves."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return impediment.escalated_to_id == user.pk and _is_vsm_of_team(user, impediment.team)


def can_assign_action(user: User, team: Team) -> bool:
    """Actions for a team are given by its TC, its TL or the VSM above it."""
    return can_log_standup(user, team) or (user.is_authenticated and _is_vsm_of_team(user, team))


def can_complete_action(user: User, action) -> bool:
    """The owner ticks their action off; the team's TC or TL may do it for them."""
    if not user.is_authenticated:
        return False
    return user.pk == action.owner_id or can_log_standup(user, action.team)


# --- improvement: PDCA/SDCA cycles and control points -------------------------


def _in_team(user: User, team: Team) -> bool:
    """A member or the Team Leader of `team`, or its Team Coordinator."""
    return (
        team.coordinator_id == user.pk or Membership.objects.filter(team=team, user=user).exists()
    )


def _leads_team(user: User, team: Team) -> bool:
    """The Team Leader or Team Coordinator of `team`, or the VSM above it."""
    return (
        team.coordinator_id == user.pk
        or Membership.objects.filter(team=team, user=user, role=Membership.Role.LEADER).exists()
        or team.value_streams.filter(vsm=user).exists()
    )


def can_move_cycle(user: User, team: Team) -> bool:
    """Start a cycle and move it through its phases: the team's members, TL and TC."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or _in_team(user, team)


def can_adopt_cycle(user: User, team: Team) -> bool:
    """Adopt a cycle's result as the new standard: the team's TL or TC, or its VSM."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or _leads_team(user, team)


def can_manage_control_points(user: User, team: Team) -> bool:
    """Add a control point to a team or its cycle: its TL or TC, or its VSM."""
    return can_adopt_cycle(user, team)


def can_record_measurement(user: User, team: Team) -> bool:
    """Enter a control point's value: anyone in the team, its TC and its VSM."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or _in_team(user, team) or _leads_team(user, team)
