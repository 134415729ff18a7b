from datetime import UTC, datetime, time

import pytest
from django.urls import reverse

from leanops.models import Heartbeat
from roles.models import Membership, Team, User, ValueStream
from tests.roles.factories import (
    MembershipFactory,
    TeamFactory,
    UserFactory,
    ValueStreamFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    # Fixed names: a random one (Faker's) once matched a search for "Bennett".
    root = UserFactory(
        username="root", first_name="Ada", last_name="Root", is_staff=True, is_superuser=True
    )
    client.force_login(root)
    return client


@pytest.fixture
def org():
    """One value stream, one team in it with a TC, a Team Leader and a member."""
    vsm = UserFactory(username="vsm", first_name="Margaret", last_name="Holloway")
    coordinator = UserFactory(username="coordinator", first_name="Sofia", last_name="Marchetti")
    pumps = ValueStreamFactory(name="Industrial Pumps", vsm=vsm)
    team = TeamFactory(
        name="Pumps Prospecting",
        coordinator=coordinator,
        value_streams=[pumps],
        stages=["identification", "value"],
        working_days=[1, 2, 3, 4, 5],
    )
    leader = MembershipFactory(
        team=team,
        user=UserFactory(username="leader", first_name="James", last_name="Whitaker"),
        role=Membership.Role.LEADER,
    )
    member = MembershipFactory(
        team=team,
        user=UserFactory(username="member", first_name="Chloe", last_name="Bennett"),
        function=Membership.Function.IT,
    )
    heartbeat = Heartbeat.objects.create(
        name="beat", last_seen=datetime(2025, 3, 3, 9, 0, tzinfo=UTC), hostname="worker-1"
    )
    return {
        "vsm": vsm,
        "coordinator": coordinator,
        "value_stream": pumps,
        "team": team,
        "leader": leader,
        "member": member,
        "heartbeat": heartbeat,
    }


def team_post_data(team: Team, **overrides) -> dict:
    """What the admin's Team change form posts, with the team's memberships inline."""
    memberships = list(team.memberships.order_by("pk"))
    data = {
        "name": team.name,
        "kind": team.kind,
        "value_streams": [str(vs.pk) for vs in team.value_streams.all()],
        "stages": team.stages,
        "coordinator": str(team.coordinator_id or ""),
        "time_zone": team.time_zone,
        "standup_time": team.standup_time.strftime("%H:%M"),
        "working_days": [str(day) for day in team.working_days],
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, membership in enumerate(memberships):
        data |= {
            f"memberships-{index}-id": str(membership.pk),
            f"memberships-{index}-team": str(team.pk),
            f"memberships-{index}-user": str(membership.user_id),
            f"memberships-{index}-role": membership.role,
            f"memberships-{index}-function": membership.function,
        }
    return data | overrides


def value_stream_post_data(value_stream: ValueStream, **overrides) -> dict:
    return {
        "name": value_stream.name,
        "market": value_stream.market,
        "vsm": str(value_stream.vsm_id),
        "time_zone": value_stream.time_zone,
        "weekly_review_weekday": str(value_stream.weekly_review_weekday),
        "weekly_review_time": value_stream.weekly_review_time.strftime("%H:%M"),
    } | overrides


def team_row(team: Team) -> dict:
    row = Team.objects.filter(pk=team.pk).values().get()
    row["value_streams"] = sorted(team.value_streams.values_list("pk", flat=True))
    row["memberships"] = sorted(team.memberships.values_list("user_id", "role", "function"))
    return row


ADMIN_PAGES = [
    ("roles", "user", "member"),
    ("roles", "valuestream", "value_stream"),
    ("roles", "team", "team"),
    ("roles", "membership", "member"),
]


def admin_object(org, model_name: str, key: str):
    obj = org[key]
    return obj.user if model_name == "user" else obj


@pytest.mark.parametrize(("app_label", "model_name", "key"), ADMIN_PAGES)
def test_changelist_add_and_change_pages_open(superuser_client, org, app_label, model_name, key):
    obj = admin_object(org, model_name, key)

    changelist = superuser_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    add = superuser_client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    change = superuser_client.get(reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk]))

    assert changelist.status_code == 200
    assert add.status_code == 200
    assert change.status_code == 200


def test_heartbeat_admin_is_read_only(superuser_client, org):
    heartbeat = org["heartbeat"]

    changelist = superuser_client.get(reverse("admin:leanops_heartbeat_changelist"))
    view = superuser_client.get(reverse("admin:leanops_heartbeat_change", args=[heartbeat.pk]))
    add = superuser_client.get(reverse("admin:leanops_heartbeat_add"))
    post = superuser_client.post(
        reverse("admin:leanops_heartbeat_change", args=[heartbeat.pk]),
        {"name": "changed", "hostname": "elsewhere"},
    )

    assert changelist.status_code == 200
    assert list(changelist.context["cl"].result_list) == [heartbeat]
    assert view.status_code == 200
    assert add.status_code == 403
    assert post.status_code == 403
    assert Heartbeat.objects.get().name == "beat"


@pytest.mark.parametrize(
    ("model_name", "term", "expected"),
    [
        ("user", "Bennett", ["member"]),
        ("valuestream", "Holloway", ["Industrial Pumps"]),
        ("team", "Marchetti", ["Pumps Prospecting"]),
        ("membership", "Whitaker", ["leader"]),
    ],
)
def test_changelist_search_finds_the_row(superuser_client, org, model_name, term, expected):
    ValueStreamFactory(name="Building Controls")
    TeamFactory(name="Controls Customer Success")

    response = superuser_client.get(reverse(f"admin:roles_{model_name}_changelist"), {"q": term})

    assert response.status_code == 200
    results = list(response.context["cl"].result_list)
    if model_name == "user":
        found = [user.username for user in results]
    elif model_name == "membership":
        found = [membership.user.username for membership in results]
    else:
        found = [obj.name for obj in results]
    assert found == expected


def test_heartbeat_search_finds_by_hostname(superuser_client, org):
    Heartbeat.objects.create(name="worker", last_seen=org["heartbeat"].last_seen, hostname="w-2")

    response = superuser_client.get(
        reverse("admin:leanops_heartbeat_changelist"), {"q": "worker-1"}
    )

    assert [hb.name for hb in response.context["cl"].result_list] == ["beat"]


def test_user_changelist_shows_and_filters_by_layer(superuser_client, org):
    response = superuser_client.get(reverse("admin:roles_user_changelist"), {"layer": "tl"})

    assert [user.username for user in response.context["cl"].result_list] == ["leader"]
    assert "Team Leader" in response.content.decode()


def test_team_coordinator_autocomplete_finds_people(superuser_client, org):
    response = superuser_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "roles", "model_name": "team", "field_name": "coordinator", "term": "Sofia"},
    )

    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Sofia Marchetti"]


def test_team_add_page_saves_stages_and_working_days_from_checkboxes(superuser_client, org):
    response = superuser_client.post(
        reverse("admin:roles_team_add"),
        {
            "name": "Pumps Key Accounts",
            "kind": Team.Kind.SALES_MARKETING,
            "value_streams": [str(org["value_stream"].pk)],
            "stages": ["acquisition", "retention"],
            "coordinator": str(org["coordinator"].pk),
            "time_zone": "America/New_York",
            "standup_time": "08:30",
            "working_days": ["1", "2", "3", "4"],
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-user": str(org["member"].user_id),
            "memberships-0-role": Membership.Role.LEADER,
            "memberships-0-function": Membership.Function.SALES,
        },
    )

    assert response.status_code == 302
    team = Team.objects.get(name="Pumps Key Accounts")
    assert team.stages == ["acquisition", "retention"]
    assert team.working_days == [1, 2, 3, 4]
    assert team.standup_time == time(8, 30)
    assert list(team.value_streams.all()) == [org["value_stream"]]
    assert team.memberships.get().user == org["member"].user


def test_team_change_page_shows_stages_and_working_days_as_ticked_checkboxes(superuser_client, org):
    response = superuser_client.get(reverse("admin:roles_team_change", args=[org["team"].pk]))

    html = response.content.decode()
    assert 'type="checkbox" name="stages" value="identification"' in html
    assert 'name="stages" value="value" id="id_stages_1" checked' in html
    assert 'name="working_days" value="5" id="id_working_days_4" checked' in html
    assert 'name="working_days" value="6" id="id_working_days_5" checked' not in html


def test_team_change_saves_new_stages(superuser_client, org):
    team = org["team"]

    response = superuser_client.post(
        reverse("admin:roles_team_change", args=[team.pk]),
        team_post_data(team, stages=["monitoring"], working_days=["1", "3", "5"]),
    )

    assert response.status_code == 302
    team.refresh_from_db()
    assert team.stages == ["monitoring"]
    assert team.working_days == [1, 3, 5]


def test_team_change_refuses_the_vsm_as_coordinator_at_the_field(superuser_client, org):
    team = org["team"]
    before = team_row(team)

    response = superuser_client.post(
        reverse("admin:roles_team_change", args=[team.pk]),
        team_post_data(team, coordinator=str(org["vsm"].pk)),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["coordinator"] == [
        "Margaret Holloway is the Value Stream Manager of Industrial Pumps, which "
        "Pumps Prospecting serves, so cannot also be its Team Coordinator."
    ]
    assert team_row(team) == before


def test_team_change_refuses_a_value_stream_its_coordinator_manages(superuser_client, org):
    team = org["team"]
    controls = ValueStreamFactory(name="Building Controls", vsm=org["coordinator"])
    before = team_row(team)

    response = superuser_client.post(
        reverse("admin:roles_team_change", args=[team.pk]),
        team_post_data(team, value_streams=[str(org["value_stream"].pk), str(controls.pk)]),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["coordinator"] == [
        "Sofia Marchetti is the Value Stream Manager of Building Controls, which "
        "Pumps Prospecting serves, so cannot also be its Team Coordinator."
    ]
    assert team_row(team) == before


def test_team_add_refuses_the_vsm_as_coordinator(superuser_client, org):
    data = team_post_data(org["team"], name="Pumps Key Accounts", coordinator=str(org["vsm"].pk))
    data |= {"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}

    response = superuser_client.post(reverse("admin:roles_team_add"), data)

    assert response.status_code == 200
    assert "coordinator" in response.context["adminform"].form.errors
    assert not Team.objects.filter(name="Pumps Key Accounts").exists()


def test_team_change_refuses_two_team_leaders(superuser_client, org):
    team = org["team"]
    before = team_row(team)

    response = superuser_client.post(
        reverse("admin:roles_team_change", args=[team.pk]),
        team_post_data(team, **{"memberships-1-role": Membership.Role.LEADER}),
    )

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors() == [
        "A team has one Team Leader; make the others members."
    ]
    assert team_row(team) == before


def test_value_stream_change_refuses_a_teams_coordinator_as_vsm_at_the_field(superuser_client, org):
    value_stream = org["value_stream"]
    before = ValueStream.objects.filter(pk=value_stream.pk).values().get()

    response = superuser_client.post(
        reverse("admin:roles_valuestream_change", args=[value_stream.pk]),
        value_stream_post_data(value_stream, vsm=str(org["coordinator"].pk)),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["vsm"] == [
        "Sofia Marchetti is the Team Coordinator of Pumps Prospecting, which serves "
        "Industrial Pumps, so cannot also be its Value Stream Manager."
    ]
    assert ValueStream.objects.filter(pk=value_stream.pk).values().get() == before


def test_value_stream_change_hands_it_to_another_vsm(superuser_client, org):
    value_stream = org["value_stream"]
    successor = UserFactory(username="daniel.okafor")

    response = superuser_client.post(
        reverse("admin:roles_valuestream_change", args=[value_stream.pk]),
        value_stream_post_data(value_stream, vsm=str(successor.pk)),
    )

    assert response.status_code == 302
    assert ValueStream.objects.get(pk=value_stream.pk).vsm == successor


def test_user_add_page_creates_a_person(superuser_client):
    response = superuser_client.post(
        reverse("admin:roles_user_add"),
        {
            "username": "owen.gallagher",
            "password1": "a-long-demo-passphrase",
            "password2": "a-long-demo-passphrase",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(username="owen.gallagher").check_password("a-long-demo-passphrase")
