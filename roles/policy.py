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
    return Team.objects.filter(pk__in=visible_team_ids(user.pk))


def visible_team_ids(user_id: int) -> QuerySet[Team]:
    """The ids (a subquery) of the teams a person who is not a superuser may see: the
    rule of `visible_teams`, by id, for queries compiled once (leanops.base.baked)."""
    return Team.objects.filter(
        Q(memberships__user_id=user_id)
        | Q(coordinator_id=user_id)
        | Q(value_streams__vsm_id=user_id)
    ).values("pk")


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
    return User.objects.filter(pk__in=overseen_people_ids(user.pk))


def overseen_people_ids(user_id: int) -> QuerySet[User]:
    """The ids (a subquery) of the people whose own data a person who is not a superuser
    may see: the rule of `overseen_people`, by id, for queries compiled once
    (leanops.base.baked)."""
    led_teams = Membership.objects.filter(user_id=user_id, role=Membership.Role.LEADER).values(
        "team"
    )
    return User.objects.filter(
        Q(pk=user_id)
        | Q(memberships__team__in=led_teams)
        | Q(memberships__team__coordinator_id=user_id)
        | Q(memberships__team__value_streams__vsm_id=user_id)
        | Q(coordinated_teams__value_streams__vsm_id=user_id)
    ).values("pk")


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


def can_add_team_to_value_stream(user: User, value_stream: ValueStream) -> bool:
    """Only the VSM of a value stream (or a superuser) puts a team into it."""
    return user.is_authenticated and (user.is_superuser or value_stream.vsm_id == user.pk)


def team_value_stream_choices(user: User, team: Team | None = None) -> QuerySet[ValueStream]:
    """The value streams `user` may choose for `team`: their own, and those it already serves."""
    if user.is_superuser:
        return ValueStream.objects.all()
    wanted = Q(vsm=user)
    if team is not None and team.pk:
        wanted |= Q(teams=team)
    return ValueStream.objects.filter(pk__in=ValueStream.objects.filter(wanted).values("pk"))


def coordinator_choices(user: User, team: Team | None = None) -> QuerySet[User]:
    """Who `user` may make a team's coordinator: the people of their own organisation
    (those they oversee) and whoever coordinates the team now."""
    if user.is_superuser:
        return User.objects.filter(is_active=True)
    wanted = Q(pk__in=overseen_people(user).values("pk"))
    if team is not None and team.coordinator_id:
        wanted |= Q(pk=team.coordinator_id)
    return User.objects.filter(wanted, is_active=True)


def require(allowed: bool, message: str = "You do not have access to this.") -> None:
    """Refuse before anything is written."""
    if not allowed:
        raise PermissionDenied(message)


# --- the organisation's predicates, for the apps' own rules -------------------
#
# Each answers from the team's `memberships` and `value_streams` as loaded: a
# page that lists many rows prefetches them once and every row is answered
# without a query; a single team costs at most one query each.


def leads_team(user: User, team: Team) -> bool:
    """`user` is the Team Leader of `team`."""
    return any(
        membership.user_id == user.pk and membership.role == Membership.Role.LEADER
        for membership in team.memberships.all()
    )


def in_team(user: User, team: Team) -> bool:
    """`user` is a member or the Team Leader of `team`, or its Team Coordinator."""
    return team.coordinator_id == user.pk or any(
        membership.user_id == user.pk for membership in team.memberships.all()
    )


def coordinates_team(user: User, team: Team) -> bool:
    """`user` is the Team Coordinator of `team`."""
    return team.coordinator_id == user.pk


def is_vsm_above(user: User, team: Team) -> bool:
    """`user` is the VSM of a value stream `team` serves."""
    return any(value_stream.vsm_id == user.pk for value_stream in team.value_streams.all())
