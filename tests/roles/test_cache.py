"""A person's place and layers are kept between requests, and forgotten when the
organisation changes, whichever way it changes (roles.cache)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from roles import services
from roles.models import Layer, Membership
from roles.selectors import person_places, user_layers
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory, ValueStreamFactory


def _fresh(user):
    """The user as a new request loads it (user_layers also keeps them on the object)."""
    return type(user).objects.get(pk=user.pk)


@pytest.mark.django_db
def test_a_place_read_twice_asks_the_database_once(real_cache):
    member = MembershipFactory(team=TeamFactory(time_zone="Asia/Tokyo")).user

    with CaptureQueriesContext(connection) as first:
        assert person_places(user_ids=[member.pk])[member.pk].time_zone == "Asia/Tokyo"
    with CaptureQueriesContext(connection) as second:
        assert person_places(user_ids=[member.pk])[member.pk].time_zone == "Asia/Tokyo"

    assert len(first) == 4
    assert len(second) == 0


@pytest.mark.django_db
def test_someone_without_a_place_is_remembered_as_such(real_cache):
    nobody = UserFactory()
    assert person_places(user_ids=[nobody.pk]) == {}

    with CaptureQueriesContext(connection) as again:
        assert person_places(user_ids=[nobody.pk]) == {}
    assert len(again) == 0


@pytest.mark.django_db
def test_layers_read_twice_ask_the_database_once(real_cache):
    leader = MembershipFactory(role=Membership.Role.LEADER).user
    assert user_layers(_fresh(leader)) == [Layer.TL]

    with CaptureQueriesContext(connection) as again:
        assert user_layers(_fresh(leader)) == [Layer.TL]
    assert len(again) == 1  # loading the user; the layers come from the cache


@pytest.mark.django_db
def test_a_team_saved_anywhere_is_read_again(real_cache):
    team = TeamFactory(time_zone="Europe/London", working_days=[1, 2, 3, 4, 5])
    member = MembershipFactory(team=team).user
    assert person_places(user_ids=[member.pk])[member.pk].working_days == (1, 2, 3, 4, 5)

    team.time_zone = "America/New_York"
    team.working_days = [1, 2, 3, 4]
    team.save()  # as the admin does: no service in between

    place = person_places(user_ids=[member.pk])[member.pk]
    assert (place.time_zone, place.working_days) == ("America/New_York", (1, 2, 3, 4))


@pytest.mark.django_db
def test_a_new_membership_through_the_service_is_read_again(real_cache):
    stream = ValueStreamFactory()
    team = TeamFactory(value_streams=[stream])
    person = UserFactory()
    assert user_layers(_fresh(person)) == []
    assert person_places(user_ids=[person.pk]) == {}

    services.membership_create(
        actor=stream.vsm, team=team, user=person, role=Membership.Role.LEADER
    )

    assert user_layers(_fresh(person)) == [Layer.TL]
    assert person_places(user_ids=[person.pk])[person.pk].scopes >= {(Layer.TL, "team", team.pk)}


@pytest.mark.django_db
def test_a_membership_deleted_is_read_again(real_cache):
    membership = MembershipFactory(role=Membership.Role.LEADER)
    person = membership.user
    assert user_layers(_fresh(person)) == [Layer.TL]

    membership.delete()

    assert user_layers(_fresh(person)) == []
    assert person_places(user_ids=[person.pk]) == {}


@pytest.mark.django_db
def test_a_value_stream_added_to_a_team_is_read_again(real_cache):
    team = TeamFactory()
    member = MembershipFactory(team=team).user
    assert not any(
        kind == "vs" for _, kind, _ in person_places(user_ids=[member.pk])[member.pk].scopes
    )

    stream = ValueStreamFactory()
    team.value_streams.add(stream)

    assert (Layer.MEMBER, "vs", stream.pk) in person_places(user_ids=[member.pk])[member.pk].scopes


@pytest.mark.django_db
def test_a_vsm_named_is_read_again(real_cache):
    person = UserFactory()
    assert user_layers(_fresh(person)) == []

    ValueStreamFactory(vsm=person)

    assert user_layers(_fresh(person)) == [Layer.VSM]


@pytest.mark.django_db(transaction=True)
def test_a_change_is_seen_inside_its_transaction_and_after_the_commit(real_cache):
    team = TeamFactory(time_zone="Europe/London")
    member = MembershipFactory(team=team).user
    person_places(user_ids=[member.pk])

    with transaction.atomic():
        team.time_zone = "Asia/Kolkata"
        team.save()
        assert person_places(user_ids=[member.pk])[member.pk].time_zone == "Asia/Kolkata"

    assert person_places(user_ids=[member.pk])[member.pk].time_zone == "Asia/Kolkata"


@pytest.mark.django_db
def test_pages_read_the_database_when_the_cache_is_unreachable(settings):
    # A Redis that is not there (nothing listens on port 1): every read goes to the database.
    settings.CACHES = {
        "default": {
            "BACKEND": "leanops.base.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    member = MembershipFactory(team=TeamFactory(time_zone="Asia/Tokyo")).user

    assert person_places(user_ids=[member.pk])[member.pk].time_zone == "Asia/Tokyo"
    assert user_layers(_fresh(member)) == [Layer.MEMBER]
