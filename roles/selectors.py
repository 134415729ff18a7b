"""Reads for the organisation pages, joined and prefetched for the page that uses them."""

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from leanops.base.baked import baked, prefetched
from roles import cache, policy
from roles.layers import layers_of, membership_layer
from roles.models import Layer, Membership, Team, User, ValueStream


def user_layers(user: User) -> list[Layer]:
    """The layers `user` works in, highest first (roles.layers.layers_of).

    Cached on the user object, so a request asks once, and between requests
    until the organisation changes (roles.cache).
    """
    cached = getattr(user, "_leanops_layers", None)
    if cached is not None:
        return cached
    layers: list[Layer] = []
    if user.is_authenticated:
        layers = cache.per_person("layers", [user.pk], _layers_read).get(user.pk, [])
    user._leanops_layers = layers
    return layers


def _layers_read(user_ids: list[int]) -> dict[int, list[Layer]]:
    """Each person's layers, in one query: one row per membership (one row without)."""
    rows = (
        User.objects.filter(pk__in=user_ids)
        .annotate(
            manages=Exists(ValueStream.objects.filter(vsm=OuterRef("pk"))),
            coordinates=Exists(Team.objects.filter(coordinator=OuterRef("pk"))),
        )
        .values_list("pk", "manages", "coordinates", "memberships__role", "memberships__team__kind")
    )
    people: dict[int, tuple[bool, bool, list[tuple[str, str]]]] = {}
    for pk, manages, coordinates, role, kind in rows:
        person = people.setdefault(pk, (manages, coordinates, []))
        if role is not None:
            person[2].append((role, kind))
    return {
        pk: layers_of(
            memberships=memberships, coordinates_a_team=coordinates, manages_a_value_stream=manages
        )
        for pk, (manages, coordinates, memberships) in people.items()
    }


# How a team's people are listed wherever they are read with it.
MEMBERSHIP_ORDER = ("role", "user__first_name", "user__last_name")


def _memberships_prefetch() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("user").order_by(*MEMBERSHIP_ORDER),
    )


def team_list(*, user: User) -> QuerySet[Team]:
    return (
        policy.visible_teams(user)
        .select_related("coordinator")
        .prefetch_related("value_streams", _memberships_prefetch())
        .order_by("kind", "name")
    )


def team_detail(*, user: User, team_id: int) -> Team | None:
    """The team with its people and value streams (as `team_list` has them), or None if
    it does not exist or is not `user`'s to see (policy.visible_teams)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        found = _any_team(team_id=team_id)
    else:
        found = _team_seen_by(team_id=team_id, viewer_id=user.pk)
    if not found:
        return None
    return team_with_people(found[0])


def team_with_people(team: Team) -> Team:
    """`team` with its people and value streams (their VSMs joined) as `team_list`
    prefetches them, in two baked queries."""
    prefetched(team, "memberships", team_memberships(team_id=team.pk))
    prefetched(team, "value_streams", _team_value_streams(team_id=team.pk))
    return team


def teams_with_people(teams: list[Team]) -> list[Team]:
    """`teams`, each with its people and value streams as `team_list` prefetches them,
    in two baked queries whatever their number."""
    ids = [team.pk for team in teams]
    people: dict[int, list[Membership]] = {pk: [] for pk in ids}
    for membership in _memberships_of(team_ids=ids):
        people[membership.team_id].append(membership)
    streams: dict[int, list[ValueStream]] = {pk: [] for pk in ids}
    for link in _value_streams_of(team_ids=ids):
        streams[link.team_id].append(link.valuestream)
    for team in teams:
        prefetched(team, "memberships", people[team.pk])
        prefetched(team, "value_streams", streams[team.pk])
    return teams


# Every team page (its results among them) asks these: compiled once (leanops.base.baked).
_any_team = baked(
    lambda team_id: Team.objects.filter(pk=team_id).select_related("coordinator").order_by()[:1]
)
_team_seen_by = baked(
    lambda team_id, viewer_id: (
        Team.objects.filter(pk=team_id, pk__in=policy.visible_team_ids(viewer_id))
        .select_related("coordinator")
        .order_by()[:1]
    )
)
team_memberships = baked(
    lambda team_id: (
        Membership.objects.filter(team_id=team_id)
        .select_related("user")
        .order_by(*MEMBERSHIP_ORDER)
    )
)
_team_value_streams = baked(
    lambda team_id: ValueStream.objects.filter(teams=team_id).select_related("vsm")
)
_memberships_of = baked(
    lambda team_ids: (
        Membership.objects.filter(team_id__in=team_ids)
        .select_related("user")
        .order_by(*MEMBERSHIP_ORDER)
    )
)
_value_streams_of = baked(
    lambda team_ids: (
        Team.value_streams.through.objects.filter(team_id__in=team_ids)
        .select_related("valuestream__vsm")
        .order_by("valuestream__name", "valuestream_id")
    )
)


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
    person = (
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
    if person is not None:
        # Their layers from the rows just read, so user_layers(person) asks nothing more.
        person._leanops_layers = layers_of(
            memberships=[(m.role, m.team.kind) for m in person.memberships.all()],
            coordinates_a_team=bool(person.coordinated_teams.all()),
            manages_a_value_stream=bool(person.managed_value_streams.all()),
        )
    return person


@dataclass(frozen=True)
class PersonPlace:
    """Where a person's standard work comes from and which calendar it follows.

    `scopes` holds (layer, kind, id) triples: ("tl", "team", 3), ("tl", "vs", 1),
    ("tl", "all", None)... a template for that layer and scope applies to them.
    The time zone and working days are those of their own team (the one they
    lead first), else the first team they coordinate, else their value stream.
    `layers` are those they work in, highest first (roles.layers.layers_of).
    """

    user_id: int
    time_zone: str
    working_days: tuple[int, ...]
    scopes: frozenset[tuple[str, str, int | None]] = field(default_factory=frozenset)
    layers: tuple[Layer, ...] = ()

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def layer(self) -> Layer | None:
        """Their primary layer, the highest they work in."""
        return self.layers[0] if self.layers else None


def person_places(*, user_ids: Iterable[int] | None = None) -> dict[int, PersonPlace]:
    """Every person with a layer, in four queries; or just `user_ids`, kept between
    requests until the organisation changes (roles.cache)."""
    if user_ids is None:
        return _places_read(None)
    return cache.per_person("place", user_ids, _places_read)


def _places_read(user_ids: Iterable[int] | None) -> dict[int, PersonPlace]:
    wanted = set(user_ids) if user_ids is not None else None
    scopes: dict[int, set[tuple[str, str, int | None]]] = {}
    memberships: dict[int, list[tuple[str, str]]] = {}  # user -> (role, team kind) per place
    coordinators: set[int] = set()
    managers: set[int] = set()
    calendars: dict[int, tuple[int, str, tuple[int, ...]]] = {}  # user -> (rank, zone, days)

    def add(user_id: int, layer: str, team: Team | None, value_stream_ids: Iterable[int]) -> None:
        if wanted is not None and user_id not in wanted:
            return
        person = scopes.setdefault(user_id, set())
        person.add((layer, "all", None))
        if team is not None:
            person.add((layer, "team", team.pk))
        for value_stream_id in value_stream_ids:
            person.add((layer, "vs", value_stream_id))

    def place(user_id: int, rank: int, time_zone: str, working_days: Iterable[int]) -> None:
        if user_id not in calendars or rank < calendars[user_id][0]:
            calendars[user_id] = (rank, time_zone, tuple(sorted(working_days)))

    # For a few people (a page's own person), read only their rows: the whole
    # organisation would cost milliseconds of Python on every request.
    team_rows = Team.objects.all()
    membership_rows = Membership.objects.all()
    value_stream_rows = ValueStream.objects.all()
    if wanted is not None:
        team_rows = team_rows.filter(
            pk__in=Team.objects.filter(
                Q(memberships__user_id__in=wanted) | Q(coordinator_id__in=wanted)
            ).values("pk")
        )
        membership_rows = membership_rows.filter(user_id__in=wanted)
        value_stream_rows = value_stream_rows.filter(vsm_id__in=wanted)
    teams = {
        team.pk: team
        for team in team_rows.only("pk", "kind", "coordinator_id", "time_zone", "working_days")
        .prefetch_related(Prefetch("value_streams", queryset=ValueStream.objects.only("pk")))
        .order_by("pk")
    }
    team_streams = {pk: [vs.pk for vs in team.value_streams.all()] for pk, team in teams.items()}
    for membership in membership_rows.only("user_id", "team_id", "role").order_by("pk"):
        team = teams[membership.team_id]
        layer = membership_layer(role=membership.role, team_kind=team.kind)
        add(membership.user_id, layer, team, team_streams[team.pk])
        memberships.setdefault(membership.user_id, []).append((membership.role, team.kind))
        rank = 0 if membership.role == Membership.Role.LEADER else 1
        place(membership.user_id, rank, team.time_zone, team.working_days)
    for team in teams.values():
        if team.coordinator_id and (wanted is None or team.coordinator_id in wanted):
            add(team.coordinator_id, Layer.TC, team, team_streams[team.pk])
            coordinators.add(team.coordinator_id)
            place(team.coordinator_id, 2, team.time_zone, team.working_days)
    for value_stream in value_stream_rows.only("pk", "vsm_id", "time_zone").order_by("pk"):
        add(value_stream.vsm_id, Layer.VSM, None, [value_stream.pk])
        managers.add(value_stream.vsm_id)
        place(value_stream.vsm_id, 3, value_stream.time_zone, (1, 2, 3, 4, 5))
    return {
        user_id: PersonPlace(
            user_id=user_id,
            time_zone=calendars[user_id][1],
            working_days=calendars[user_id][2],
            scopes=frozenset(person_scopes),
            layers=tuple(
                layers_of(
                    memberships=memberships.get(user_id, ()),
                    coordinates_a_team=user_id in coordinators,
                    manages_a_value_stream=user_id in managers,
                )
            ),
        )
        for user_id, person_scopes in scopes.items()
    }


def team_people(team: Team) -> list[User]:
    """The team's people, its TL first, then its members by name.

    Reads `team.memberships` with their users: prefetch them
    (`memberships__user`) and a list of teams costs no query per team.
    """
    memberships = sorted(
        team.memberships.all(),
        key=lambda m: (
            m.role != Membership.Role.LEADER,
            m.user.first_name.lower(),
            m.user.last_name.lower(),
        ),
    )
    return [membership.user for membership in memberships]


def team_to_edit(*, team_id: int) -> Team:
    """A fresh copy of the team for its settings form (the form changes it in place)."""
    return Team.objects.get(pk=team_id)


def value_stream_to_edit(*, value_stream_id: int) -> ValueStream:
    """A fresh copy of the value stream for its settings form."""
    return ValueStream.objects.get(pk=value_stream_id)
