"""A person's layer of leader standard work, derived from the places they hold.

The one derivation every page, board and result uses (STYLE.md 15). It is a
pure function of facts the caller has already loaded, so a board of many
people computes their layers without a query per person:

- managing a value stream makes a person a Value Stream Manager (VSM);
- coordinating a team (any team, the MC department's too) makes them a Team
  Coordinator (TC);
- a place in the Marketing Communication department, as its lead or as a
  member, makes them Marketing Communication (MC): the department is its own
  layer, whoever leads it;
- leading any other team makes them a Team Leader (TL), and being a member of
  one a Team member.

A person works in every layer they hold a place in; their primary layer is the
highest of them (VSM > TC > TL > MC > member). Being a superuser, or staff, is
no layer: someone without a place has none.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef

from roles.models import Layer, Membership, Team, ValueStream

# Layer is declared highest first.
LAYER_ORDER: tuple[Layer, ...] = tuple(Layer)
_RANK = {layer: rank for rank, layer in enumerate(LAYER_ORDER)}


def layer_rank(layer: str | None) -> int:
    """Where `layer` sorts, highest first; no layer sorts last."""
    return _RANK.get(layer, len(LAYER_ORDER))


def membership_layer(*, role: str, team_kind: str) -> Layer:
    """The layer one place in a team puts a person in."""
    if team_kind == Team.Kind.MARKETING_COMMUNICATION:
        return Layer.MC
    if role == Membership.Role.LEADER:
        return Layer.TL
    return Layer.MEMBER


def layers_of(
    *,
    memberships: Iterable[tuple[str, str]] = (),
    coordinates_a_team: bool = False,
    manages_a_value_stream: bool = False,
) -> list[Layer]:
    """Every layer a person works in, highest first.

    `memberships` holds the (role, team kind) of each of their places in a team.
    """
    held = {membership_layer(role=role, team_kind=kind) for role, kind in memberships}
    if coordinates_a_team:
        held.add(Layer.TC)
    if manages_a_value_stream:
        held.add(Layer.VSM)
    return sorted(held, key=layer_rank)


def layer_of(
    *,
    memberships: Iterable[tuple[str, str]] = (),
    coordinates_a_team: bool = False,
    manages_a_value_stream: bool = False,
) -> Layer | None:
    """A person's primary layer: the highest they work in, or None without a place."""
    layers = layers_of(
        memberships=memberships,
        coordinates_a_team=coordinates_a_team,
        manages_a_value_stream=manages_a_value_stream,
    )
    return layers[0] if layers else None


def in_layer(layer: Layer) -> Exists:
    """The same rule as `layers_of`, as a condition on User rows: who works in `layer`.

    For lists filtered by layer in one query (the admin's layer filter); the
    table test in tests/roles/test_layer_of.py holds the two forms together.
    """
    person = OuterRef("pk")
    sales = Team.Kind.SALES_MARKETING
    conditions = {
        Layer.VSM: ValueStream.objects.filter(vsm=person),
        Layer.TC: Team.objects.filter(coordinator=person),
        Layer.TL: Membership.objects.filter(
            user=person, role=Membership.Role.LEADER, team__kind=sales
        ),
        Layer.MC: Membership.objects.filter(
            user=person, team__kind=Team.Kind.MARKETING_COMMUNICATION
        ),
        Layer.MEMBER: Membership.objects.filter(
            user=person, role=Membership.Role.MEMBER, team__kind=sales
        ),
    }
    return Exists(conditions[layer])
