"""The TC of a team is never the VSM of that team's value stream: every path
that could make one person both refuses, names who holds which role, and
writes nothing."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError

from roles import services
from roles.forms import TeamForm, TeamSettingsForm, ValueStreamForm
from roles.models import Membership, Team, ValueStream
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory, ValueStreamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def pumps():
    vsm = UserFactory(username="dana", first_name="Dana", last_name="Smith")
    return ValueStreamFactory(name="Industrial Pumps", vsm=vsm)


def test_creating_a_team_coordinated_by_its_value_streams_vsm_is_refused(admin_user, pumps):
    with pytest.raises(ValidationError) as error:
        services.team_create(
            actor=admin_user, name="Team North", value_streams=[pumps], coordinator=pumps.vsm
        )

    assert error.value.message_dict == {
        "coordinator": [
            "Dana Smith is the Value Stream Manager of Industrial Pumps, which Team North "
            "serves, so cannot also be its Team Coordinator."
        ]
    }
    assert Team.objects.count() == 0


def test_making_the_vsm_coordinator_of_an_existing_team_is_refused(admin_user, pumps):
    team = TeamFactory(name="Team North", value_streams=[pumps])
    coordinator_before = team.coordinator_id

    with pytest.raises(ValidationError) as error:
        services.team_update(actor=admin_user, team=team, coordinator=pumps.vsm)

    assert list(error.value.message_dict) == ["coordinator"]
    team.refresh_from_db()
    assert team.coordinator_id == coordinator_before


def test_adding_a_value_stream_whose_vsm_coordinates_the_team_is_refused(admin_user, pumps):
    team = TeamFactory(name="Team North", coordinator=pumps.vsm)

    with pytest.raises(ValidationError):
        services.team_update(actor=admin_user, team=team, value_streams=[pumps])

    assert list(team.value_streams.all()) == []


def test_handing_a_value_stream_to_the_coordinator_of_one_of_its_teams_is_refused(
    admin_user, pumps
):
    coordinator = UserFactory(username="cara", first_name="Cara", last_name="Jones")
    TeamFactory(name="Team North", value_streams=[pumps], coordinator=coordinator)
    vsm_before = pumps.vsm_id

    with pytest.raises(ValidationError) as error:
        services.value_stream_update(actor=admin_user, value_stream=pumps, vsm=coordinator)

    assert error.value.message_dict == {
        "vsm": [
            "Cara Jones is the Team Coordinator of Team North, which serves Industrial Pumps, "
            "so cannot also be its Value Stream Manager."
        ]
    }
    pumps.refresh_from_db()
    assert pumps.vsm_id == vsm_before


def test_team_form_shows_the_rule_at_the_coordinator_field(pumps):
    form = TeamForm(
        data={
            "name": "Team North",
            "kind": Team.Kind.SALES_MARKETING,
            "value_streams": [pumps.pk],
            "stages": ["acquisition"],
            "coordinator": pumps.vsm.pk,
            "time_zone": "Europe/London",
            "standup_time": "09:00",
            "working_days": ["1", "2", "3", "4", "5"],
        }
    )

    assert form.is_valid() is False
    assert form.errors == {
        "coordinator": [
            "Dana Smith is the Value Stream Manager of Industrial Pumps, which Team North "
            "serves, so cannot also be its Team Coordinator."
        ]
    }
    assert Team.objects.count() == 0


def test_team_settings_form_checks_the_value_streams_already_served(pumps):
    team = TeamFactory(name="Team North", value_streams=[pumps])
    form = TeamSettingsForm(
        instance=team,
        actor=pumps.vsm,
        data={
            "name": "Team North",
            "value_streams": [pumps.pk],
            "stages": ["acquisition"],
            "coordinator": pumps.vsm.pk,
            "time_zone": "Europe/London",
            "standup_time": "09:00",
            "working_days": ["1"],
        },
    )

    assert form.is_valid() is False
    assert list(form.errors) == ["coordinator"]


def test_value_stream_form_shows_the_rule_at_the_vsm_field(pumps):
    coordinator = UserFactory(username="cara", first_name="Cara", last_name="Jones")
    TeamFactory(name="Team North", value_streams=[pumps], coordinator=coordinator)
    form = ValueStreamForm(
        instance=pumps,
        data={
            "name": pumps.name,
            "market": pumps.market,
            "vsm": coordinator.pk,
            "time_zone": "Europe/London",
            "weekly_review_weekday": 5,
            "weekly_review_time": "14:00",
        },
    )

    assert form.is_valid() is False
    assert form.errors["vsm"] == [
        "Cara Jones is the Team Coordinator of Team North, which serves Industrial Pumps, "
        "so cannot also be its Value Stream Manager."
    ]
    assert ValueStream.objects.get(pk=pumps.pk).vsm_id == pumps.vsm_id


def test_a_coordinator_may_be_vsm_of_another_value_stream(admin_user, pumps):
    other = ValueStreamFactory(name="Aftermarket Service")

    team = services.team_create(
        actor=admin_user, name="Team North", value_streams=[pumps], coordinator=other.vsm
    )

    assert team.coordinator_id == other.vsm_id
    assert list(team.value_streams.all()) == [pumps]


def test_team_create_writes_the_team_with_its_settings(admin_user, pumps):
    coordinator = UserFactory(username="cara")

    team = services.team_create(
        actor=admin_user,
        name="Team North",
        value_streams=[pumps],
        coordinator=coordinator,
        stages=["acquisition", "retention"],
        time_zone="America/New_York",
        standup_time=time(8, 45),
        working_days=[1, 2, 3, 4],
    )

    team.refresh_from_db()
    assert (team.name, team.time_zone, team.standup_time) == (
        "Team North",
        "America/New_York",
        time(8, 45),
    )
    assert team.stages == ["acquisition", "retention"]
    assert team.working_days == [1, 2, 3, 4]


def test_an_unknown_time_zone_or_stage_is_refused_and_nothing_written(admin_user, pumps):
    with pytest.raises(ValidationError) as error:
        services.team_create(
            actor=admin_user,
            name="Team North",
            value_streams=[pumps],
            time_zone="Mars/Olympus",
            stages=["prospecting"],
        )

    assert set(error.value.message_dict) == {"time_zone", "stages"}
    assert Team.objects.count() == 0


def test_one_team_leader_per_team(admin_user, pumps):
    team = TeamFactory(value_streams=[pumps])
    MembershipFactory(team=team, role=Membership.Role.LEADER)

    with pytest.raises(ValidationError):
        services.membership_create(
            actor=admin_user, team=team, user=UserFactory(), role=Membership.Role.LEADER
        )

    assert team.memberships.count() == 1
