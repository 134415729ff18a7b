"""Teams read with their people and value streams by baked queries (team_detail,
teams_with_people) give what team_list's prefetches give, in a fixed number of queries."""

import pytest

from roles.models import Team
from roles.selectors import team_detail, team_list, teams_with_people
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory, ValueStreamFactory

pytestmark = pytest.mark.django_db


def _seen(team):
    return (
        team.pk,
        team.coordinator_id,
        [(m.user.username, m.role, m.team_id) for m in team.memberships.all()],
        [(stream.name, stream.vsm_id) for stream in team.value_streams.all()],
    )


def _organisation():
    admin = UserFactory(is_superuser=True)
    north, south = ValueStreamFactory(name="North"), ValueStreamFactory(name="Anglia")
    teams = [TeamFactory(name=f"Team {n}") for n in range(3)]
    teams[0].value_streams.add(north, south)
    teams[1].value_streams.add(south)
    for team in teams[:2]:
        MembershipFactory(team=team, role="leader")
        for _ in range(2):
            MembershipFactory(team=team, role="member")
    return admin, teams


def test_teams_with_people_read_as_the_prefetch(django_assert_num_queries):
    admin, teams = _organisation()
    expected = [_seen(team) for team in team_list(user=admin).order_by("name")]

    fresh = list(Team.objects.order_by("name"))
    with django_assert_num_queries(2):
        assert [_seen(team) for team in teams_with_people(fresh)] == expected


def test_team_detail_reads_as_the_prefetch_and_keeps_to_the_policy(django_assert_num_queries):
    admin, teams = _organisation()
    member = teams[1].memberships.first().user

    expected = _seen(team_list(user=admin).get(pk=teams[1].pk))

    with django_assert_num_queries(3):
        assert _seen(team_detail(user=member, team_id=teams[1].pk)) == expected
    assert _seen(team_detail(user=admin, team_id=teams[0].pk)) == _seen(
        team_list(user=admin).get(pk=teams[0].pk)
    )
    assert team_detail(user=member, team_id=teams[0].pk) is None
    assert team_detail(user=member, team_id=teams[2].pk + 1000) is None
