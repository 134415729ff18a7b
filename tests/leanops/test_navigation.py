"""The menu and the landing pages are wired at the top (leanops.navigation) from
what each app declares; no one sees more than five top-level entries, and the
organisation's pages name no URL of the apps above them."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from leanops import navigation
from roles.demo import organisation_seed
from roles.models import Team, User
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory, ValueStreamFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}

# Each demo login's menu: its top-level entries, and what sits behind each toggle.
MENUS = {
    "vsm": [
        ("My standard work", ["Verify", "Templates", "Campaigns", "My calendar"]),
        ("Escalations", []),
        ("Improvement", ["Script training"]),
        ("Value streams", ["Teams", "Weekly dashboard", "Budget and ROI", "Holidays"]),
    ],
    "coordinator": [
        ("My standard work", ["Verify", "Templates", "Campaigns", "Handoffs", "My calendar"]),
        ("Stand-ups", ["Impediments"]),
        ("Improvement", ["Script training"]),
        ("My teams", ["Teams", "Weekly dashboard", "Holidays"]),
    ],
    "leader": [
        ("My standard work", ["Templates", "Calls today", "Campaigns", "Handoffs", "My calendar"]),
        ("Stand-ups", []),
        ("Improvement", ["Script training"]),
        ("Teams", []),
    ],
    "member": [
        ("My standard work", ["Templates", "Calls today", "Campaigns", "Handoffs", "My calendar"]),
        ("Improvement", ["Script training"]),
        ("Teams", []),
    ],
    "marcom": [
        ("My standard work", ["Templates", "My calendar"]),
        ("Stand-ups", []),
        ("Improvement", []),
        ("Marketing Communication", ["Teams"]),
    ],
    "admin": [
        ("Templates", []),
        ("Teams", ["Weekly dashboard", "Holidays"]),
        ("Admin", []),
    ],
}


@pytest.fixture
def demo():
    """The demo organisation alone: the menu depends on people's places, not on
    their standard-work history (seconds to build)."""
    organisation_seed(password="demo-password-1")


def _menu(response) -> list[tuple[str, list[str]]]:
    return [
        (group.main.label, [link.label for link in group.more])
        for group in response.context["menu"]
    ]


@pytest.mark.parametrize("username", MENUS)
def test_each_demo_login_sees_its_own_menu_of_at_most_five_entries(client, demo, username):
    client.force_login(User.objects.get(username=username))

    response = client.get(reverse("roles:team_list"))

    assert _menu(response) == MENUS[username]
    html = response.content.decode()
    nav = html[html.index('<nav aria-label="Main"') : html.index("</nav>")]
    assert len(re.findall(r'<li class="menu-item', nav)) == len(MENUS[username]) <= 5


@pytest.mark.parametrize("username", MENUS)
def test_every_page_in_a_menu_opens_for_the_person_it_is_shown_to(client, demo, username):
    client.force_login(User.objects.get(username=username))
    links = client.get(reverse("roles:team_list")).context["nav_items"]

    statuses = {label: client.get(url, follow=True).status_code for label, url in links}

    assert statuses == dict.fromkeys(statuses, 200)


def test_someone_in_every_layer_who_is_also_an_administrator_sees_five_entries(client):
    person = UserFactory(is_staff=True, is_superuser=True)
    value_stream = ValueStreamFactory(vsm=person)
    TeamFactory(coordinator=person, value_streams=[value_stream])
    MembershipFactory(user=person, role="leader")
    MembershipFactory(user=person, team=TeamFactory(kind=Team.Kind.MARKETING_COMMUNICATION))
    client.force_login(person)

    groups = client.get(reverse("roles:team_list")).context["menu"]

    assert [group.main.label for group in groups] == [
        "My standard work",
        "Stand-ups",
        "Improvement",
        "Value streams",
        "Admin",
    ]
    assert [link.label for link in groups[1].more] == ["Impediments", "Escalations"]
    assert [link.label for link in groups[3].more] == [
        "My teams",
        "Marketing Communication",
        "Teams",
        "Weekly dashboard",
        "Budget and ROI",
        "Holidays",
    ]


def test_the_menu_has_no_more_groups_than_top_level_entries_allowed():
    assert len(navigation.GROUPS) <= navigation.MAX_TOP_LEVEL
    assert {entry.group for entry in navigation.MENU} <= set(navigation.GROUPS)


def test_the_current_page_is_marked_in_the_menu(client, demo):
    client.force_login(User.objects.get(username="coordinator"))

    html = client.get(reverse("standardwork:impediment_board")).content.decode()

    assert f'<a href="{reverse("standardwork:impediment_board")}" aria-current="page">' in html
    assert 'class="menu-item holds-current"' in html


def test_an_htmx_partial_gets_no_menu(client, demo):
    client.force_login(User.objects.get(username="coordinator"))

    response = client.get(reverse("roles:team_list"), headers=HTMX)

    assert "menu" not in response.context


@pytest.mark.parametrize(
    ("username", "landing"),
    [
        ("vsm", "valuestream:dashboard"),
        ("coordinator", "roles:coordinator_home"),
        ("leader", "standardwork:my_standard_work"),
        ("member", "standardwork:my_standard_work"),
        ("marcom", "roles:marcom_home"),
        ("admin", "admin:index"),
    ],
)
def test_home_sends_each_layer_to_the_landing_page_its_app_declares(
    client, demo, username, landing
):
    client.force_login(User.objects.get(username=username))

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url == reverse(landing)


def test_someone_without_a_place_lands_on_the_teams_page(client):
    client.force_login(UserFactory())

    assert client.get(reverse("home")).url == reverse("roles:team_list")


def _buttons(html: str) -> list[str]:
    return [
        unescape(label)
        for label in re.findall(r'<a class="button[^"]*" href="[^"]*">([^<]+)', html)
    ]


def test_the_coordinators_landing_page_links_their_teams_work_from_the_top(client, demo):
    coordinator = User.objects.get(username="coordinator")
    client.force_login(coordinator)

    html = client.get(reverse("roles:coordinator_home")).content.decode()

    team = Team.objects.filter(coordinator=coordinator).order_by("name").first()
    standup = reverse("standardwork:team_standup_today", args=[team.pk])
    assert (
        f'<a class="button primary" href="{standup}">Today&#x27;s stand-up'
        f'<span class="visually-hidden"> for {team.name}</span></a>'
    ) in html
    across = html[html.index("Across your teams") :]
    assert _buttons(across) == [
        "Verification board",
        "Impediments",
        "Improvement",
        "Weekly dashboard",
        "Handoffs to acknowledge",
    ]


def test_the_vsms_landing_page_offers_escalations_and_verification(client, demo):
    client.force_login(User.objects.get(username="vsm"))

    html = client.get(reverse("roles:value_stream_list")).content.decode()

    start = html.index("<h1>Value streams</h1>")
    head = html[start : html.index("</div>", start)]
    assert _buttons(head) == ["Verification board", "Escalations"]


def test_a_member_on_the_value_streams_page_gets_no_vsm_links(client, demo):
    client.force_login(User.objects.get(username="member"))

    html = client.get(reverse("roles:value_stream_list")).content.decode()

    assert reverse("standardwork:escalations") not in html


def _team_page_buttons(client, username: str, team: Team) -> list[str]:
    client.force_login(User.objects.get(username=username))
    html = client.get(reverse("roles:team_detail", args=[team.pk])).content.decode()
    start = html.index("<h1>")
    return _buttons(html[start : html.index("</div>", start)])


def test_a_team_page_shows_its_work_links_and_results_only_to_those_who_see_them(client, demo):
    team = Team.objects.get(memberships__user__username="member")

    assert _team_page_buttons(client, "coordinator", team) == [
        "Today's stand-up",
        "Impediments",
        "Improvement",
        "Standard work results",
    ]
    assert _team_page_buttons(client, "member", team) == [
        "Today's stand-up",
        "Impediments",
        "Improvement",
    ]


def test_a_team_page_links_names_to_results_only_for_those_who_see_them(client, demo):
    member = User.objects.get(username="member")
    team = Team.objects.get(memberships__user=member)
    results = reverse("standardwork:person_adherence", args=[member.pk])

    client.force_login(User.objects.get(username="coordinator"))
    assert results in client.get(reverse("roles:team_detail", args=[team.pk])).content.decode()
    client.force_login(member)
    assert results not in client.get(reverse("roles:team_detail", args=[team.pk])).content.decode()


def test_the_marketing_communication_page_links_its_standup_and_impediments(client, demo):
    client.force_login(User.objects.get(username="marcom"))
    department = Team.objects.get(kind=Team.Kind.MARKETING_COMMUNICATION)

    html = unescape(client.get(reverse("roles:marcom_home")).content.decode())

    assert reverse("standardwork:team_standup_today", args=[department.pk]) in html
    assert reverse("standardwork:team_impediments", args=[department.pk]) in html
    assert client.get(
        reverse("standardwork:team_standup_today", args=[department.pk])
    ).status_code in (200, 302)


def test_a_persons_page_links_their_standard_work_results(client, demo):
    leader = User.objects.get(username="leader")
    client.force_login(User.objects.get(username="vsm"))

    html = client.get(reverse("roles:person_detail", args=[leader.pk])).content.decode()

    assert reverse("standardwork:person_adherence", args=[leader.pk]) in html


# --- the organisation names no URL of the apps above it --------------------------

ROOT = Path(settings.BASE_DIR)
ORGANISATION_FILES = [
    *sorted((ROOT / "roles").rglob("*.py")),
    *sorted((ROOT / "templates" / "roles").glob("*.html")),
    ROOT / "templates" / "_team_card.html",
]


@pytest.mark.parametrize("path", ORGANISATION_FILES, ids=lambda path: path.name)
def test_the_organisation_names_no_url_of_another_app(path):
    text = path.read_text()

    assert "standardwork:" not in text
    assert "valuestream:" not in text


# --- the header's badge: unread notices, on every page ------------------------------


def _unread(user, count: int) -> None:
    from standardwork.models import Notice

    Notice.objects.bulk_create(
        Notice(recipient=user, kind=Notice.Kind.COUNTERMEASURE, date="2026-11-18", text=f"N{n}")
        for n in range(count)
    )


def _notice_queries(client, path: str, **extra) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, **extra).status_code == 200
    return [query["sql"] for query in queries if "standardwork_notice" in query["sql"]]


@pytest.mark.parametrize("path", ["roles:team_list", "standardwork:improvement", "home"])
def test_every_page_shows_the_unread_count_in_the_header_from_one_query(client, demo, path):
    coordinator = User.objects.get(username="coordinator")
    _unread(coordinator, 3)
    client.force_login(coordinator)

    response = client.get(reverse(path), follow=True)
    html = response.content.decode()
    header = html[html.index('<header class="topbar">') : html.index("</header>")]

    notices = reverse("standardwork:notices")
    assert (
        f'<a class="header-badge has-count" id="badge-notices" href="{notices}">'
        'Notices <span class="badge-count">3</span><span class="visually-hidden"> unread</span></a>'
    ) in header
    # Next to the Menu button, outside the menu that a phone folds away.
    assert header.index('id="badge-notices"') < header.index('class="menu-button"')
    assert len(_notice_queries(client, response.request["PATH_INFO"])) == 1


def test_without_unread_notices_the_header_links_the_notices_without_a_count(client, demo):
    client.force_login(User.objects.get(username="member"))

    html = client.get(reverse("roles:team_list")).content.decode()

    assert (
        f'<a class="header-badge" id="badge-notices" href="{reverse("standardwork:notices")}">'
        "Notices</a>"
    ) in html


def test_an_htmx_partial_counts_no_notices(client, demo):
    coordinator = User.objects.get(username="coordinator")
    client.force_login(coordinator)
    before = _notice_queries(client, reverse("roles:team_list"), headers=HTMX)
    _unread(coordinator, 3)

    response = client.get(reverse("roles:team_list"), headers=HTMX)

    assert "header_badges" not in response.context
    assert _notice_queries(client, reverse("roles:team_list"), headers=HTMX) == before == []
