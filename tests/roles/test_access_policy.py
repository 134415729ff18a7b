"""Nobody sees what is not theirs: the access policy and the views that use it."""

import pytest
from django.urls import reverse

from roles import policy
from roles.models import Membership, Team
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory, ValueStreamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    """Two value streams; the coordinator serves two teams of the first."""
    vsm = UserFactory(username="vsm")
    other_vsm = UserFactory(username="other_vsm")
    pumps = ValueStreamFactory(name="Pumps", vsm=vsm)
    service = ValueStreamFactory(name="Service", vsm=other_vsm)
    coordinator = UserFactory(username="coordinator")
    north = TeamFactory(name="North", value_streams=[pumps], coordinator=coordinator)
    south = TeamFactory(name="South", value_streams=[pumps], coordinator=coordinator)
    field = TeamFactory(name="Field", value_streams=[service])
    leader = MembershipFactory(
        team=north, user=UserFactory(username="leader"), role=Membership.Role.LEADER
    ).user
    member = MembershipFactory(team=north, user=UserFactory(username="member")).user
    south_member = MembershipFactory(team=south, user=UserFactory(username="south")).user
    field_member = MembershipFactory(team=field, user=UserFactory(username="fielder")).user
    return {
        "vsm": vsm, "other_vsm": other_vsm, "pumps": pumps, "service": service,
        "coordinator": coordinator, "north": north, "south": south, "field": field,
        "leader": leader, "member": member, "south_member": south_member,
        "field_member": field_member,
    }  # fmt: skip


def names(queryset):
    return sorted(obj.name if hasattr(obj, "name") else obj.username for obj in queryset)


def test_member_sees_only_their_own_team(org):
    assert names(policy.visible_teams(org["member"])) == ["North"]


def test_coordinator_sees_only_the_teams_they_coordinate(org):
    assert names(policy.visible_teams(org["coordinator"])) == ["North", "South"]


def test_vsm_sees_only_teams_of_their_value_stream(org):
    assert names(policy.visible_teams(org["vsm"])) == ["North", "South"]
    assert names(policy.visible_teams(org["other_vsm"])) == ["Field"]


def test_only_the_vsm_manages_a_team(org):
    assert policy.can_manage_team(org["vsm"], org["north"]) is True
    assert policy.can_manage_team(org["coordinator"], org["north"]) is False
    assert policy.can_manage_team(org["leader"], org["north"]) is False
    assert policy.can_manage_team(org["other_vsm"], org["north"]) is False


def test_people_overseen_follow_the_layers(org):
    assert names(policy.overseen_people(org["member"])) == ["member"]
    assert names(policy.overseen_people(org["leader"])) == ["leader", "member"]
    assert names(policy.overseen_people(org["coordinator"])) == [
        "coordinator", "leader", "member", "south",
    ]  # fmt: skip
    assert names(policy.overseen_people(org["vsm"])) == [
        "coordinator", "leader", "member", "south", "vsm",
    ]  # fmt: skip
    assert names(policy.overseen_people(org["other_vsm"])) == sorted(
        ["fielder", "other_vsm", org["field"].coordinator.username]
    )


def test_value_streams_are_visible_to_their_people_only(org):
    assert names(policy.visible_value_streams(org["member"])) == ["Pumps"]
    assert names(policy.visible_value_streams(org["field_member"])) == ["Service"]
    assert names(policy.visible_value_streams(org["coordinator"])) == ["Pumps"]


def test_anonymous_sees_nothing(org):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert policy.visible_teams(anonymous).count() == 0
    assert policy.visible_value_streams(anonymous).count() == 0
    assert policy.overseen_people(anonymous).count() == 0


def test_team_page_of_another_team_is_not_found(client, org):
    client.force_login(org["member"])

    assert client.get(reverse("roles:team_detail", args=[org["north"].pk])).status_code == 200
    assert client.get(reverse("roles:team_detail", args=[org["south"].pk])).status_code == 404


def test_person_page_of_someone_not_overseen_is_not_found(client, org):
    client.force_login(org["member"])

    response = client.get(reverse("roles:person_detail", args=[org["leader"].pk]))

    assert response.status_code == 404


def test_coordinator_cannot_edit_a_team_and_nothing_is_written(client, org):
    client.force_login(org["coordinator"])

    response = client.post(
        reverse("roles:team_edit", args=[org["north"].pk]),
        {"name": "Renamed", "value_streams": [org["pumps"].pk], "coordinator": "",
         "time_zone": "UTC", "standup_time": "10:00", "working_days": ["1"]},
    )  # fmt: skip

    assert response.status_code == 403
    assert Team.objects.get(pk=org["north"].pk).name == "North"


def test_vsm_edits_a_team_from_the_app(client, org):
    client.force_login(org["vsm"])

    response = client.post(
        reverse("roles:team_edit", args=[org["north"].pk]),
        {"name": "North Star", "value_streams": [org["pumps"].pk],
         "coordinator": org["coordinator"].pk, "stages": ["acquisition"],
         "time_zone": "America/New_York", "standup_time": "08:30", "working_days": ["1", "3"]},
    )  # fmt: skip

    assert response.status_code == 302
    north = Team.objects.get(pk=org["north"].pk)
    assert (north.name, north.time_zone, north.working_days) == (
        "North Star",
        "America/New_York",
        [1, 3],
    )


def test_vsm_making_themselves_coordinator_sees_the_message_at_the_field(client, org):
    client.force_login(org["vsm"])

    response = client.post(
        reverse("roles:team_edit", args=[org["north"].pk]),
        {"name": "North", "value_streams": [org["pumps"].pk], "coordinator": org["vsm"].pk,
         "stages": ["acquisition"], "time_zone": "UTC", "standup_time": "09:00",
         "working_days": ["1"]},
    )  # fmt: skip

    assert response.status_code == 200
    assert response.context["form"].errors["coordinator"] == [
        f"{org['vsm'].display_name} is the Value Stream Manager of Pumps, which North serves, "
        "so cannot also be its Team Coordinator."
    ]
    assert Team.objects.get(pk=org["north"].pk).coordinator_id == org["coordinator"].pk


def test_other_vsm_cannot_edit_a_value_stream_and_nothing_is_written(client, org):
    client.force_login(org["other_vsm"])

    response = client.post(
        reverse("roles:value_stream_edit", args=[org["pumps"].pk]),
        {"name": "Taken", "market": "x", "time_zone": "UTC", "weekly_review_weekday": 1,
         "weekly_review_time": "10:00"},
    )  # fmt: skip

    # Not found, like every other foreign id: the answer says nothing about the id.
    assert response.status_code == 404
    org["pumps"].refresh_from_db()
    assert org["pumps"].name == "Pumps"


def test_a_member_of_the_value_stream_may_not_edit_it_and_is_told_why(client, org):
    client.force_login(org["coordinator"])

    response = client.post(
        reverse("roles:value_stream_edit", args=[org["pumps"].pk]),
        {"name": "Taken", "market": "x", "time_zone": "UTC", "weekly_review_weekday": 1,
         "weekly_review_time": "10:00"},
    )  # fmt: skip

    assert response.status_code == 403
    assert "Only the value stream&#x27;s VSM changes its set-up." in response.content.decode()
    org["pumps"].refresh_from_db()
    assert org["pumps"].name == "Pumps"


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_value_streams_team_edit_page_is_not_found(client, org, method):
    client.force_login(org["vsm"])

    response = getattr(client, method)(reverse("roles:team_edit", args=[org["field"].pk]))

    assert response.status_code == 404
    assert Team.objects.get(pk=org["field"].pk).name == "Field"


def _team_post(org, value_streams):
    return {
        "name": "North", "value_streams": [vs.pk for vs in value_streams],
        "coordinator": org["coordinator"].pk, "stages": ["acquisition"],
        "time_zone": "UTC", "standup_time": "09:00", "working_days": ["1"],
    }  # fmt: skip


def test_a_vsm_cannot_attach_their_team_to_another_vsms_value_stream(client, org):
    client.force_login(org["vsm"])

    response = client.post(
        reverse("roles:team_edit", args=[org["north"].pk]),
        _team_post(org, [org["pumps"], org["service"]]),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["value_streams"] == [
        f"Select a valid choice. {org['service'].pk} is not one of the available choices."
    ]
    assert names(org["north"].value_streams.all()) == ["Pumps"]


def test_the_team_service_refuses_another_vsms_value_stream_and_writes_nothing(org):
    from django.core.exceptions import PermissionDenied

    from roles import services

    with pytest.raises(PermissionDenied, match="Only the VSM of Service adds teams to it."):
        services.team_update(
            actor=org["vsm"], team=org["north"], value_streams=[org["pumps"], org["service"]]
        )

    assert names(org["north"].value_streams.all()) == ["Pumps"]


def test_the_team_edit_form_offers_only_the_vsms_value_streams_and_people(client, org):
    client.force_login(org["vsm"])

    form = client.get(reverse("roles:team_edit", args=[org["north"].pk])).context["form"]

    assert names(form.fields["value_streams"].queryset) == ["Pumps"]
    assert names(form.fields["coordinator"].queryset) == [
        "coordinator", "leader", "member", "south", "vsm",
    ]  # fmt: skip
