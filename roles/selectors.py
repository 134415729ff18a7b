"""Reads for the organisation pages, joined and prefetched for the page that uses them."""

from django.db.models import Prefetch, QuerySet

from roles import policy
from roles.models import Layer, Membership, Team, User, ValueStream


def user_layers(user: User) -> list[Layer]:
    """The layers `user` works in, highest first, derived from the organisation.

    Cached on the user object, so a request asks the database once.
    """
    cached = getattr(user, "_leanops_layers", None)
    if cached is not None:
        return cached
    layers: list[Layer] = []
    if user.is_authenticated:
        if ValueStream.objects.filter(vsm=user).exists():
            layers.append(Layer.VSM)
        if Team.objects.filter(coordinator=user).exists():
            layers.append(Layer.TC)
        memberships = set(
            Membership.objects.filter(user=user).values_list("role", "team__kind").distinct()
        )
        if (Membership.Role.LEADER, Team.Kind.SALES_MARKETING) in memberships:
            layers.append(Layer.TL)
        if any(kind == Team.Kind.MARKETING_COMMUNICATION for _, kind in memberships):
            layers.append(Layer.MC)
        if (Membership.Role.MEMBER, Team.Kind.SALES_MARKETING) in memberships:
            layers.append(Layer.MEMBER)
    user._leanops_layers = layers
    return layers


def user_primary_layer(user: User) -> Layer | None:
    layers = user_layers(user)
    return layers[0] if layers else None


def _memberships_prefetch() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("user").order_by(
            "role", "user__first_name", "user__last_name"
        ),
    )


def team_list(*, user: User) -> QuerySet[Team]:
    return (
        policy.visible_teams(user)
        .select_related("coordinator")
        .prefetch_related("value_streams", _memberships_prefetch())
        .order_by("kind", "name")
    )


def team_detail(*, user: User, team_id: int) -> Team | None:
    """The team with its people, or None if it does not exist or is not `user`'s to see."""
    return team_list(user=user).filter(pk=team_id).first()


def coordinator_teams(*, user: User) -> QuerySet[Team]:
    return team_list(user=user).filter(coordinator=user)


def member_teams(*, user: User) -> QuerySet[Team]:
    return team_list(user=user).filter(memberships__user=user).distinct()


def value_stream_list(*, user: User) -> QuerySet[ValueStream]:
    teams = (
        Team.objects.select_related("coordinator")
        .prefetch_related(_memberships_prefetch())
        .order_by("name")
    )
    return (
        policy.visible_value_streams(user)
        .select_related("vsm")
        .prefetch_related(Prefetch("teams", queryset=teams))
        .order_by("name")
    )


def managed_value_stream_list(*, user: User) -> QuerySet[ValueStream]:
    return value_stream_list(user=user).filter(vsm=user)


def value_stream_detail(*, user: User, value_stream_id: int) -> ValueStream | None:
    return value_stream_list(user=user).filter(pk=value_stream_id).first()


def person_detail(*, viewer: User, person_id: int) -> User | None:
    return (
        policy.overseen_people(viewer)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("team", "team__coordinator"),
            ),
            "managed_value_streams",
            "coordinated_teams",
        )
        .filter(pk=person_id)
        .first()
    )
