"""A person's layer has one derivation, roles.layers: every kind of person, and
every place that shows a layer (the menu, the person page, the issuing path,
adherence, the verification board, the admin's filter) agrees with it."""

from datetime import date

import pytest

from roles.layers import in_layer, layer_of, layers_of
from roles.models import Layer, Membership, Team, User
from roles.selectors import person_detail, person_places, user_layers
from standardwork.selectors.verification import board_row, verification_board
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory, ValueStreamFactory

LEADER, MEMBER = Membership.Role.LEADER, Membership.Role.MEMBER
TEAM, MC = Team.Kind.SALES_MARKETING, Team.Kind.MARKETING_COMMUNICATION

# Every kind of person, by the places they hold:
# (kind, places, superuser, their layers highest first).
# A place is "vsm" (manages a value stream), "tc" (coordinates a team), "tl"
# (leads a team), "member" (of a team), "mc_lead" or "mc_member" (of the
# Marketing Communication department).
PEOPLE = [
    ("VSM", ["vsm"], False, [Layer.VSM]),
    ("TC", ["tc"], False, [Layer.TC]),
    ("TL", ["tl"], False, [Layer.TL]),
    ("member", ["member"], False, [Layer.MEMBER]),
    ("MC department lead", ["mc_lead"], False, [Layer.MC]),
    ("MC member", ["mc_member"], False, [Layer.MC]),
    ("superuser without a place", [], True, []),
    ("superuser who leads a team", ["tl"], True, [Layer.TL]),
    ("TL of one team, member of another", ["tl", "member"], False, [Layer.TL, Layer.MEMBER]),
    ("TC who is also a member", ["tc", "member"], False, [Layer.TC, Layer.MEMBER]),
    ("TC who leads the MC department", ["tc", "mc_lead"], False, [Layer.TC, Layer.MC]),
    ("VSM who coordinates a team", ["vsm", "tc"], False, [Layer.VSM, Layer.TC]),
    ("MC member who is in a team too", ["mc_member", "member"], False, [Layer.MC, Layer.MEMBER]),
    ("no place", [], False, []),
]  # fmt: skip

IDS = [kind for kind, *_ in PEOPLE]

_MEMBERSHIPS = {
    "tl": (LEADER, TEAM),
    "member": (MEMBER, TEAM),
    "mc_lead": (LEADER, MC),
    "mc_member": (MEMBER, MC),
}


def facts(places: list[str]) -> dict:
    return {
        "memberships": [_MEMBERSHIPS[place] for place in places if place in _MEMBERSHIPS],
        "coordinates_a_team": "tc" in places,
        "manages_a_value_stream": "vsm" in places,
    }


@pytest.mark.parametrize(("kind", "places", "superuser", "layers"), PEOPLE, ids=IDS)
def test_layers_of_every_kind_of_person(kind, places, superuser, layers):
    assert layers_of(**facts(places)) == layers
    assert layer_of(**facts(places)) == (layers[0] if layers else None)


def test_the_mc_department_lead_is_mc_not_tl():
    assert layers_of(memberships=[(LEADER, MC)]) == [Layer.MC]


def test_each_layer_counts_once_however_many_places_give_it():
    assert layers_of(memberships=[(MEMBER, TEAM), (MEMBER, TEAM), (LEADER, TEAM)]) == [
        Layer.TL,
        Layer.MEMBER,
    ]


# The same table against the database, through every reader of a layer.


def arrange(places: list[str], *, superuser: bool) -> User:
    person = UserFactory(is_superuser=superuser, is_staff=superuser)
    for place in places:
        if place == "vsm":
            ValueStreamFactory(vsm=person)
        elif place == "tc":
            TeamFactory(coordinator=person)
        else:
            role, kind = _MEMBERSHIPS[place]
            team = (
                TeamFactory(kind=kind, coordinator=None) if kind == MC else TeamFactory(kind=kind)
            )
            MembershipFactory(user=person, team=team, role=role)
    return person


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "places", "superuser", "layers"), PEOPLE, ids=IDS)
def test_every_reader_of_a_layer_agrees_with_layers_of(kind, places, superuser, layers):
    person = arrange(places, superuser=superuser)
    primary = layers[0] if layers else None
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)

    assert user_layers(User.objects.get(pk=person.pk)) == layers
    assert user_layers(person_detail(viewer=admin, person_id=person.pk)) == layers
    place = person_places(user_ids=[person.pk]).get(person.pk)
    assert (list(place.layers) if place else []) == layers
    assert (place.layer if place else None) == primary
    assert board_row(viewer=admin, person_id=person.pk, day=date(2026, 11, 25)).layer == primary
    in_admin_filter = [
        layer
        for layer in Layer
        if User.objects.filter(pk=person.pk).filter(in_layer(layer)).exists()
    ]
    assert in_admin_filter == layers


@pytest.mark.django_db
def test_user_layers_asks_the_database_once_per_request(django_assert_num_queries):
    person = arrange(["tc", "tl", "member"], superuser=False)
    person = User.objects.get(pk=person.pk)

    with django_assert_num_queries(1):
        assert user_layers(person) == [Layer.TC, Layer.TL, Layer.MEMBER]
    with django_assert_num_queries(0):
        assert user_layers(person) == [Layer.TC, Layer.TL, Layer.MEMBER]


@pytest.mark.django_db
def test_the_vsm_verifies_the_mc_department_lead_as_mc():
    vsm = UserFactory(username="vsm")
    pumps = ValueStreamFactory(vsm=vsm)
    department = TeamFactory(kind=MC, coordinator=None, value_streams=[pumps])
    lead = MembershipFactory(team=department, role=LEADER).user
    leader = MembershipFactory(team=TeamFactory(value_streams=[pumps]), role=LEADER).user

    rows = {
        row.person: row.layer for row in verification_board(verifier=vsm, day=date(2026, 11, 25))
    }

    assert rows[lead] == Layer.MC
    assert rows[leader] == Layer.TL
