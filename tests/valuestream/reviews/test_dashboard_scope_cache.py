"""One value stream's dashboard scope is kept with the person's place (roles.cache) and
forgotten whenever the organisation or one of its people changes."""

from django.contrib.auth.models import update_last_login
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory
from valuestream.selectors.dashboard import dashboard_scope


def _names(scope) -> list[tuple[str, list[str]]]:
    return [
        (team.name, sorted(m.user.display_name for m in team.memberships.all()))
        for team in scope.teams
    ]


def test_a_scope_read_twice_asks_the_database_once(org, real_cache):
    with CaptureQueriesContext(connection) as first:
        scope = dashboard_scope(user=org.vsm, value_stream_id=org.pumps.pk)
    with CaptureQueriesContext(connection) as second:
        again = dashboard_scope(user=org.vsm, value_stream_id=org.pumps.pk)

    assert len(first) == 3
    assert len(second) == 0
    assert (
        _names(again)
        == _names(scope)
        == [
            ("Marketing Communication", ["Mo Comms"]),
            ("North", ["Mia Member", "Tom Lead"]),
        ]
    )


def test_a_refusal_is_kept_and_forgotten_when_the_person_gains_the_value_stream(org, real_cache):
    assert dashboard_scope(user=org.other_vsm, value_stream_id=org.pumps.pk) is None

    TeamFactory(name="East", value_streams=[org.pumps], coordinator=org.other_vsm)

    scope = dashboard_scope(user=org.other_vsm, value_stream_id=org.pumps.pk)
    assert [team.name for team in scope.teams] == ["East"]
    assert not scope.whole


def test_a_new_member_and_a_renamed_one_show_at_once(org, real_cache):
    dashboard_scope(user=org.vsm, value_stream_id=org.pumps.pk)

    MembershipFactory(team=org.north, user=UserFactory(first_name="Ned", last_name="New"))
    org.member.last_name = "Moved"
    org.member.save()

    scope = dashboard_scope(user=org.vsm, value_stream_id=org.pumps.pk)
    assert _names(scope)[1] == ("North", ["Mia Moved", "Ned New", "Tom Lead"])


def test_a_coordinator_taken_off_a_team_no_longer_sees_it(org, real_cache):
    assert [t.name for t in dashboard_scope(user=org.tc, value_stream_id=org.pumps.pk).teams] == [
        "North"
    ]

    org.north.coordinator = UserFactory()
    org.north.save()

    assert dashboard_scope(user=org.tc, value_stream_id=org.pumps.pk) is None


def test_a_login_keeps_the_scope(org, real_cache):
    dashboard_scope(user=org.vsm, value_stream_id=org.pumps.pk)

    update_last_login(None, org.member)

    with CaptureQueriesContext(connection) as after:
        dashboard_scope(user=org.vsm, value_stream_id=org.pumps.pk)
    assert len(after) == 0
