"""Who may see and do what in the value stream app.

Built on the organisation's predicates in `roles.policy`. One function per
rule: the service enforces it, and the view and the template ask the same
function to decide what to offer.
"""

from django.db.models import Q, QuerySet

from roles import policy as organisation
from roles.models import Membership, Team, User, ValueStream

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
