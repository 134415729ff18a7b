from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import F

from leanops.management.commands.seed_demo import DEMO_PASSWORD
from roles.demo import TEAMS, DemoError, organisation_seed
from roles.models import Layer, Membership, Team, User, ValueStream
from roles.selectors import user_layers
from tests.roles.factories import UserFactory

pytestmark = pytest.mark.django_db

DEMO_LOGINS = ["vsm", "coordinator", "leader", "member", "marcom", "admin"]


def seed(*args: str) -> str:
    """The whole command: the organisation, its standard work and the history."""
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def seed_organisation():
    """Only the organisation part, which is all most of these tests look at."""
    return organisation_seed(password=DEMO_PASSWORD)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_seed_demo_builds_three_value_streams_and_six_teams_one_of_them_marcom():
    seed_organisation()

    assert ValueStream.objects.count() == 3
    assert Team.objects.count() == 6
    marcom = Team.objects.get(kind=Team.Kind.MARKETING_COMMUNICATION)
    assert set(marcom.value_streams.values_list("name", flat=True)) == {
        "Industrial Pumps",
        "Building Controls",
    }


def test_the_small_value_stream_shares_no_one_with_the_others():
    seed_organisation()

    service = ValueStream.objects.get(name="Pump Service Contracts")
    team = service.teams.get()
    people = {
        service.vsm.username,
        team.coordinator.username,
        *team.memberships.values_list("user__username", flat=True),
    }
    assert team.name == "Service Contract Renewals"
    assert people == {"ingrid.solberg", "tomasz.nowak", "grace.adeyemi", "lukas.becker"}
    assert list(team.memberships.values_list("user__username", "role")) == [
        ("grace.adeyemi", "leader"),
        ("lukas.becker", "member"),
    ]
    assert list(team.value_streams.all()) == [service]
    others = Team.objects.exclude(pk=team.pk)
    assert not others.filter(memberships__user__username__in=people).exists()
    assert not others.filter(coordinator__username__in=people).exists()
    assert not ValueStream.objects.exclude(pk=service.pk).filter(vsm__username__in=people).exists()


def test_seed_demo_gives_industrial_pumps_to_the_vsm_login():
    seed_organisation()

    pumps = ValueStream.objects.get(vsm__username="vsm")
    assert pumps.name == "Industrial Pumps"
    assert pumps.market == "Water utilities and process plants"
    controls = ValueStream.objects.get(name="Building Controls")
    assert controls.vsm.username == "daniel.okafor"


@pytest.mark.parametrize(
    ("username", "layers"),
    [
        ("vsm", [Layer.VSM]),
        ("coordinator", [Layer.TC]),
        ("leader", [Layer.TL]),
        ("member", [Layer.MEMBER]),
        ("marcom", [Layer.MC]),
        ("admin", []),
    ],
)
def test_each_demo_login_works_in_its_own_layer(username, layers):
    seed_organisation()

    assert user_layers(User.objects.get(username=username)) == layers


def test_coordinator_coordinates_two_teams_of_the_vsms_value_stream():
    seed_organisation()

    coordinated = Team.objects.filter(coordinator__username="coordinator")
    assert coordinated.count() == 2
    assert set(coordinated.values_list("value_streams__vsm__username", flat=True)) == {"vsm"}


def test_leader_leads_the_members_team_in_london():
    seed_organisation()

    team = Membership.objects.get(user__username="leader").team
    assert team.memberships.get(role=Membership.Role.LEADER).user.username == "leader"
    assert team.memberships.filter(user__username="member", role="member").exists()
    assert team.coordinator.username == "coordinator"
    assert team.time_zone == "Europe/London"


def test_admin_is_a_superuser_and_staff():
    seed_organisation()

    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff


def test_every_demo_login_signs_in_with_the_demo_password():
    seed_organisation()

    for username in DEMO_LOGINS:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD), username


def test_every_sales_team_has_a_coordinator_a_leader_and_members():
    seed_organisation()

    for team in Team.objects.filter(kind=Team.Kind.SALES_MARKETING):
        members = team.memberships.filter(role=Membership.Role.MEMBER).count()
        assert team.coordinator is not None, team.name
        assert team.memberships.filter(role=Membership.Role.LEADER).count() == 1, team.name
        # Three to five; one in the small value stream's one team.
        expected = [1] if team.name == "Service Contract Renewals" else [3, 4, 5]
        assert members in expected, team.name
        assert team.stages, team.name
        assert team.value_streams.exists(), team.name


def test_sales_teams_mix_functions_and_time_zones():
    seed_organisation()

    functions = set(
        Membership.objects.filter(team__kind=Team.Kind.SALES_MARKETING).values_list(
            "function", flat=True
        )
    )
    assert functions == {"sales", "marketing", "it", "service"}
    assert {"Europe/London", "America/New_York", "Asia/Kolkata"} <= set(
        Team.objects.values_list("time_zone", flat=True)
    )


def test_teams_cover_every_stage_of_each_value_stream():
    seed_organisation()

    for value_stream in ValueStream.objects.all():
        covered = {stage for team in value_stream.teams.all() for stage in team.stages}
        assert covered == {"identification", "value", "acquisition", "retention", "monitoring"}


def test_no_team_is_coordinated_by_the_vsm_of_a_value_stream_it_serves():
    seed_organisation()

    assert Team.objects.filter(coordinator__isnull=False).count() == 5
    assert not Team.objects.filter(value_streams__vsm=F("coordinator")).exists()


def test_seed_demo_builds_29_people_and_an_admin():
    seed_organisation()

    assert User.objects.count() == 30
    assert User.objects.filter(is_superuser=True).count() == 1
    assert not User.objects.filter(email="").exists()
    assert User.objects.values("email").distinct().count() == 30


def test_seed_demo_prints_the_url_the_logins_and_the_password():
    output = seed()

    assert "http://127.0.0.1:8000/" in output
    assert DEMO_PASSWORD in output
    for username in DEMO_LOGINS:
        assert f"  {username} " in output


def test_seed_demo_twice_creates_nothing_the_second_time():
    seed()
    first = row_counts()

    output = seed()

    assert row_counts() == first
    assert first["roles.User"] == 30
    assert first["roles.ValueStream"] == 3
    assert first["roles.Team"] == 6
    assert first["roles.Membership"] == 23
    assert Team.value_streams.through.objects.count() == 7
    assert first["standardwork.Checklist"] > 0
    assert "Demo organisation already in place; nothing created." in output
    assert "Standard work already in place; nothing created." in output


def test_seed_demo_keeps_the_password_of_an_existing_user():
    UserFactory(username="vsm", password="pbkdf2_sha256$1$salt$kept")
    password = User.objects.get(username="vsm").password

    seed_organisation()

    assert User.objects.get(username="vsm").password == password
    assert ValueStream.objects.get(name="Industrial Pumps").vsm.username == "vsm"


def test_if_empty_leaves_a_seeded_database_alone():
    seed_organisation()
    before = row_counts()

    output = seed("--if-empty")

    assert row_counts() == before
    assert output.strip() == "seed_demo: users already exist, so nothing was created."


def test_if_empty_creates_nothing_when_any_user_exists():
    UserFactory(username="someone")

    seed("--if-empty")

    assert User.objects.count() == 1
    assert ValueStream.objects.count() == 0
    assert Team.objects.count() == 0


def test_if_empty_seeds_an_empty_database():
    seed("--if-empty")

    assert User.objects.count() == 30
    assert Team.objects.count() == 6


def test_organisation_seed_twice_creates_nothing_the_second_time():
    first = seed_organisation()
    counts = row_counts()

    second = seed_organisation()

    assert first.created == 69
    assert second.created == 0
    assert row_counts() == counts
    assert set(second.teams) == {spec.name for spec in TEAMS}
    assert second.people["leader"].username == "leader"


def test_seed_demo_refuses_an_admin_who_is_not_a_superuser_and_writes_nothing():
    UserFactory(username="admin", is_superuser=False)

    with pytest.raises(CommandError, match="'admin' exists and is not a superuser"):
        seed()

    assert User.objects.count() == 1
    assert ValueStream.objects.count() == 0


def test_organisation_seed_refuses_an_admin_who_is_not_a_superuser():
    UserFactory(username="admin", is_superuser=False)

    with pytest.raises(DemoError):
        seed_organisation()


def test_seed_demo_refuses_a_production_database_and_writes_nothing(settings):
    settings.DEMO_DATA_ALLOWED = False  # DEBUG=false in the environment

    with pytest.raises(CommandError, match="looks like a production database"):
        call_command("seed_demo", verbosity=0)

    assert User.objects.count() == 0


def test_seed_demo_seeds_production_only_when_asked_explicitly(settings, capsys):
    settings.DEMO_DATA_ALLOWED = False

    call_command("seed_demo", "--allow-production", "--url", "https://leanops.example.com")

    assert User.objects.filter(username="admin", is_superuser=True).exists()
    assert "Open https://leanops.example.com/ and sign in as:" in capsys.readouterr().out
