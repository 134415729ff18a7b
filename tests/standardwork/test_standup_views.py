"""The stand-up page, the impediment boards, the VSM's escalations and actions,
through their views: in place with htmx, as plain POSTs, refusals, and query
counts that stay the same with a year of history.

The team works every day, so the tests run on any weekday.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roles.models import Membership, Team
from standardwork.models import (
    Action,
    ControlPoint,
    Impediment,
    Measurement,
    Notice,
    Standup,
    StandupAttendance,
)
from standardwork.selectors.standups import AGENDA_SHOWN
from standardwork.services import followup
from standardwork.services import standups as services
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory, ValueStreamFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
REASON = "Needs a CRM licence the team has no budget for"


def url(name: str, *args) -> str:
    return reverse(f"standardwork:{name}", args=args)


@pytest.fixture
def team(org):
    Team.objects.update(working_days=[1, 2, 3, 4, 5, 6, 7])
    org["team"].refresh_from_db()
    return org["team"]


@pytest.fixture
def standup(team):
    return services.standup_open_today(team=team)


@pytest.fixture
def outsider(db):
    """The leader of another value stream's team."""
    far = ValueStreamFactory(name="Controls", vsm=UserFactory(username="far-vsm"))
    other = TeamFactory(name="Elsewhere", value_streams=[far])
    return MembershipFactory(
        team=other, user=UserFactory(username="outsider"), role=Membership.Role.LEADER
    ).user


def today(team) -> str:
    return services.team_today(team).isoformat()


def in_days(team, days: int) -> str:
    return (services.team_today(team) + timedelta(days=days)).isoformat()


def raise_impediment(org, title="CRM export times out") -> Impediment:
    return services.impediment_raise(actor=org["member"], team=org["team"], title=title)


# --- opening the page ---------------------------------------------------------


def test_todays_standup_link_opens_it_and_goes_to_the_page(client, org, team):
    client.force_login(org["coordinator"])

    response = client.get(url("team_standup_today", team.pk))

    standup = Standup.objects.get(team=team)
    assert standup.date == services.team_today(team)
    assert response.status_code == 302
    assert response["Location"] == url("standup_detail", standup.pk)
    assert client.get(url("team_standup_today", team.pk))["Location"] == response["Location"]
    assert Standup.objects.count() == 1


def test_on_a_day_off_the_link_says_so_and_shows_the_history(client, org, team):
    Team.objects.filter(pk=team.pk).update(working_days=[])
    client.force_login(org["coordinator"])

    response = client.get(url("team_standup_today", team.pk), follow=True)

    assert response.redirect_chain == [(url("standup_history", team.pk), 302)]
    assert "No stand-up today: North does not work on" in response.content.decode()
    assert not Standup.objects.exists()


def test_the_standup_page_shows_who_heads_it_and_the_logging_forms(client, org, standup):
    client.force_login(org["coordinator"])

    response = client.get(url("standup_detail", standup.pk))

    content = response.content.decode()
    assert response.status_code == 200
    assert f'Headed by <strong data-role="leader">{org["leader"].display_name}</strong>' in content
    assert 'id="present-{}"'.format(org["member"].pk) in content
    assert url("standup_action_create", standup.pk) in content
    assert url("standup_impediment_raise", standup.pk) in content
    assert "Start the stand-up" in content
    assert "js/standup_timer.js" in content


def test_a_member_sees_the_standup_but_no_logging_forms(client, org, standup):
    client.force_login(org["member"])

    content = client.get(url("standup_detail", standup.pk)).content.decode()

    assert "Start the stand-up" not in content
    assert url("standup_attendance", standup.pk) not in content
    assert url("standup_action_create", standup.pk) not in content
    assert url("standup_impediment_raise", standup.pk) in content  # anyone in the team raises


def test_the_nav_shows_standups_impediments_and_escalations_to_their_layers(client, org, team):
    expected = {
        "coordinator": ["Stand-ups", "Impediments"],
        "leader": ["Stand-ups"],
        "member": [],
        "vsm": ["Escalations"],
    }
    for username, labels in expected.items():
        client.force_login(org[username])
        nav = dict(client.get(url("my_standard_work")).context["nav_items"])
        shown = [label for label in ("Stand-ups", "Impediments", "Escalations") if label in nav]
        assert shown == labels, username


def test_the_standup_list_shows_the_teams_the_viewer_logs(client, org, standup):
    client.force_login(org["leader"])

    response = client.get(url("standup_list"))

    assert [(row.team.name, row.standup) for row in response.context["rows"]] == [
        ("North", standup)
    ]
    assert url("team_standup_today", standup.team_id) in response.content.decode()


# --- logging in place ---------------------------------------------------------


def test_htmx_attendance_toggle_returns_the_state_and_the_count_out_of_band(client, org, standup):
    client.force_login(org["coordinator"])
    person = org["member"]

    response = client.post(
        url("standup_attendance_person", standup.pk, person.pk),
        {"present": [str(person.pk)]},
        **HTMX,
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert f'id="attendance-state-{person.pk}"' in content
    assert 'data-present="yes"' in content
    assert 'id="attendance-count" class="su-count" hx-swap-oob="true">1 of 2 present' in content
    assert "<html" not in content

    client.post(url("standup_attendance_person", standup.pk, person.pk), {}, **HTMX)

    assert list(StandupAttendance.objects.values_list("person__username", "present")) == [
        ("member", False)
    ]


def test_plain_attendance_form_saves_everyone_at_once(client, org, standup):
    client.force_login(org["coordinator"])

    response = client.post(url("standup_attendance", standup.pk), {"present": [org["leader"].pk]})

    assert response.status_code == 302
    assert set(StandupAttendance.objects.values_list("person__username", "present")) == {
        ("leader", True), ("member", False),
    }  # fmt: skip


def test_htmx_start_returns_the_running_timer(client, org, standup):
    client.force_login(org["leader"])

    response = client.post(url("standup_start", standup.pk), **HTMX)

    content = response.content.decode()
    standup.refresh_from_db()
    assert standup.started_at is not None
    assert 'data-state="running"' in content
    ends = (standup.started_at + timedelta(minutes=15)).astimezone(team_zone(standup))
    assert f'data-ends-at="{ends.isoformat()}"' in content
    assert re.search(r'role="timer"[^>]*>(14:5\d|15:00)<', content)


def team_zone(standup):
    return standup.team.zone


def test_htmx_end_shows_how_long_it_took(client, org, standup):
    client.force_login(org["coordinator"])
    client.post(url("standup_start", standup.pk), **HTMX)

    response = client.post(url("standup_end", standup.pk), **HTMX)

    assert 'data-state="ended"' in response.content.decode()
    assert "took 0 min" in response.content.decode()


def test_htmx_notes_are_saved_in_place(client, org, standup):
    client.force_login(org["coordinator"])

    response = client.post(url("standup_notes", standup.pk), {"notes": "New prices"}, **HTMX)

    assert "Saved at" in response.content.decode()
    assert Standup.objects.get(pk=standup.pk).notes == "New prices"


def test_htmx_new_action_appears_in_the_standups_actions(client, org, standup, team):
    client.force_login(org["coordinator"])

    response = client.post(
        url("standup_action_create", standup.pk),
        {"title": "Call back Acme", "owner": org["member"].pk, "due_date": in_days(team, 1)},
        **HTMX,
    )

    action = Action.objects.get()
    content = response.content.decode()
    assert (action.title, action.owner, action.standup, action.source) == (
        "Call back Acme",
        org["member"],
        standup,
        "standup",
    )
    assert content.startswith('\n<section id="standup-actions"')
    assert f'id="action-{action.pk}"' in content
    assert 'name="title"' in content and 'value="Call back Acme"' not in content  # a fresh form


def test_a_past_due_date_is_refused_at_the_field_with_htmx_and_without(client, org, standup, team):
    client.force_login(org["coordinator"])
    data = {"title": "Call back Acme", "owner": org["member"].pk, "due_date": in_days(team, -1)}

    htmx = client.post(url("standup_action_create", standup.pk), data, **HTMX)
    plain = client.post(url("standup_action_create", standup.pk), data)

    for response in (htmx, plain):
        assert response.status_code == 200
        content = response.content.decode()
        assert re.search(
            r'id="id_action_due_date"[^>]*>\s*<p class="error field-error" role="alert">'
            r"The due date cannot be in the past.</p>",
            content,
        )
        assert 'value="Call back Acme"' in content  # what was typed is kept
    assert "<html" in plain.content.decode() and "<html" not in htmx.content.decode()
    assert not Action.objects.exists()


def test_plain_new_action_redirects_to_the_standup(client, org, standup, team):
    client.force_login(org["coordinator"])

    response = client.post(
        url("standup_action_create", standup.pk),
        {"title": "Call back Acme", "owner": org["leader"].pk, "due_date": today(team)},
    )

    assert response.status_code == 302
    assert response["Location"] == url("standup_detail", standup.pk)
    assert Action.objects.get().owner == org["leader"]


def test_htmx_impediment_raised_at_the_standup_appears_in_its_list(client, org, standup):
    client.force_login(org["member"])

    response = client.post(
        url("standup_impediment_raise", standup.pk), {"title": "No headsets"}, **HTMX
    )

    impediment = Impediment.objects.get()
    assert (impediment.standup, impediment.raised_by) == (standup, org["member"])
    assert f'id="impediment-{impediment.pk}"' in response.content.decode()


def test_an_impediment_without_a_title_is_refused_at_the_field(client, org, standup):
    client.force_login(org["coordinator"])

    response = client.post(url("standup_impediment_raise", standup.pk), {"title": " "}, **HTMX)

    assert "Name the impediment." in response.content.decode()
    assert not Impediment.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("standup_start", {}),
        ("standup_end", {}),
        ("standup_attendance", {"present": []}),
        ("standup_notes", {"notes": "Mine"}),
        ("standup_action_create", {"title": "Mine", "due_date": "2099-01-01"}),
    ],
)
def test_only_the_tc_or_tl_logs_the_standup(client, org, standup, name, data):
    client.force_login(org["member"])
    if name == "standup_action_create":
        data = {**data, "owner": org["member"].pk}

    response = client.post(url(name, standup.pk), data, **HTMX)

    assert response.status_code == 403
    assert "Only the team&#x27;s coordinator or leader logs its stand-up." in (
        response.content.decode()
    )
    standup.refresh_from_db()
    assert (standup.started_at, standup.notes, standup.logged_by) == (None, "", None)
    assert not StandupAttendance.objects.exists()
    assert not Action.objects.exists()


def test_a_member_of_another_team_sees_none_of_it(client, org, standup, outsider):
    impediment = raise_impediment(org)
    action = followup.action_create(
        actor=org["coordinator"], team=org["team"], title="Call", owner=org["member"],
        source=Action.Source.STANDUP,
        due_date=services.team_today(org["team"]), standup=standup,
    )  # fmt: skip
    client.force_login(outsider)

    for path in [
        url("standup_detail", standup.pk),
        url("team_standup_today", standup.team_id),
        url("standup_history", standup.team_id),
        url("team_impediments", standup.team_id),
        url("impediment_detail", impediment.pk),
    ]:
        assert client.get(path).status_code == 404, path
    for path in [
        url("standup_attendance_person", standup.pk, org["member"].pk),
        url("standup_impediment_raise", standup.pk),
        url("team_impediment_raise", standup.team_id),
        url("impediment_start", impediment.pk),
        url("impediment_escalate", impediment.pk),
        url("action_complete", action.pk),
    ]:
        assert client.post(path, {"title": "Mine", "reason": "Mine"}).status_code == 404, path

    assert Impediment.objects.count() == 1
    assert (Impediment.objects.get().state, Action.objects.get().done_at) == ("open", None)
    assert not StandupAttendance.objects.exists()


def test_outsiders_boards_show_nothing_of_the_team(client, org, outsider):
    raise_impediment(org)
    client.force_login(outsider)

    assert client.get(url("impediment_board")).context["board"].impediments == []
    escalations = client.get(url("escalations")).context["escalations"]
    assert (escalations.waiting, escalations.answered) == ([], [])


# --- impediment boards and escalations ----------------------------------------


def test_team_board_lists_open_ones_oldest_first_with_age_and_recently_removed(client, org, team):
    first = raise_impediment(org, "CRM export times out")
    Impediment.objects.filter(pk=first.pk).update(raised_at=timezone.now() - timedelta(days=3))
    raise_impediment(org, "No headsets")
    gone = raise_impediment(org, "Old one")
    services.impediment_remove(actor=org["coordinator"], impediment_id=gone.pk, how="Bought")
    client.force_login(org["member"])

    response = client.get(url("team_impediments", team.pk))

    board = response.context["board"]
    assert [(i.title, i.age_days) for i in board.active] == [
        ("CRM export times out", 3), ("No headsets", 0),
    ]  # fmt: skip
    assert [i.title for i in board.removed] == ["Old one"]
    content = response.content.decode()
    assert "3 days old" in content
    assert "Removed</strong> by" in content and "Bought" in content
    assert "Start work" not in content  # a member does not move impediments on


def test_a_member_raises_an_impediment_on_the_board(client, org, team):
    client.force_login(org["member"])

    response = client.post(
        url("team_impediment_raise", team.pk), {"title": "Slow VPN", "description": "Since Mon"}
    )

    assert response["Location"] == url("team_impediments", team.pk)
    assert list(Impediment.objects.values_list("title", "description", "standup")) == [
        ("Slow VPN", "Since Mon", None)
    ]


def test_the_vsm_above_sees_the_board_but_raises_nothing(client, org, team):
    client.force_login(org["vsm"])

    assert client.get(url("team_impediments", team.pk)).status_code == 200
    assert client.post(url("team_impediment_raise", team.pk), {"title": "X"}).status_code == 403
    assert not Impediment.objects.exists()


def test_htmx_escalation_without_a_reason_shows_the_message_at_the_field(client, org, team):
    impediment = raise_impediment(org)
    client.force_login(org["coordinator"])

    response = client.post(url("impediment_escalate", impediment.pk), {"reason": " "}, **HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert re.search(
        r'name="reason"[^>]*required>[^<]*</textarea>\s*<p class="error field-error" role="alert">'
        r"Say why the team cannot remove it.</p>",
        content,
    )
    assert '<details class="imp-more" open>' in content
    assert Impediment.objects.get().escalated_at is None
    assert not Notice.objects.exists()


def test_plain_escalation_without_a_reason_shows_the_impediment_page_with_the_message(
    client, org, team
):
    impediment = raise_impediment(org)
    client.force_login(org["coordinator"])

    response = client.post(url("impediment_escalate", impediment.pk), {"reason": ""})

    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert "Say why the team cannot remove it." in response.content.decode()
    assert Impediment.objects.get().escalated_at is None


def test_htmx_escalation_returns_the_escalated_card(client, org, team):
    impediment = raise_impediment(org)
    client.force_login(org["coordinator"])

    response = client.post(url("impediment_escalate", impediment.pk), {"reason": REASON}, **HTMX)

    content = response.content.decode()
    assert 'data-escalated="yes"' in content
    assert f"to {org['vsm'].display_name}" in content and REASON in content
    assert "Waiting for the VSM" in content
    assert Impediment.objects.get().escalated_to == org["vsm"]


def test_a_team_serving_two_vsms_shows_the_choice(client, org, team):
    team.value_streams.add(ValueStreamFactory(name="Controls", vsm=UserFactory(username="cvsm")))
    impediment = raise_impediment(org)
    client.force_login(org["coordinator"])

    content = client.get(url("impediment_detail", impediment.pk)).content.decode()
    response = client.post(url("impediment_escalate", impediment.pk), {"reason": REASON}, **HTMX)

    assert f'<select id="impediment-{impediment.pk}-to" name="to" required>' in content
    assert "Choose the VSM to escalate to." in response.content.decode()
    assert REASON in response.content.decode()  # what was typed is kept


def test_plain_remove_without_how_is_refused_and_with_how_goes_back(client, org, team):
    impediment = raise_impediment(org)
    client.force_login(org["coordinator"])
    back = url("team_impediments", team.pk)

    refused = client.post(url("impediment_remove", impediment.pk), {"next": back})
    removed = client.post(
        url("impediment_remove", impediment.pk), {"removed_how": "New licence", "next": back}
    )

    assert "Say how it was removed." in refused.content.decode()
    assert removed["Location"] == back
    assert Impediment.objects.get().removed_how == "New licence"


def test_a_member_cannot_move_an_impediment_on(client, org, team):
    impediment = raise_impediment(org)
    client.force_login(org["member"])

    for name, data in [
        ("impediment_start", {}),
        ("impediment_remove", {"removed_how": "Mine"}),
        ("impediment_escalate", {"reason": REASON}),
    ]:
        assert client.post(url(name, impediment.pk), data, **HTMX).status_code == 403

    assert (Impediment.objects.get().state, Impediment.objects.get().escalated_at) == ("open", None)


def test_the_coordinator_board_lists_open_ones_of_every_team_they_coordinate(client, org, team):
    second = TeamFactory(name="South", coordinator=org["coordinator"])
    MembershipFactory(team=second, user=UserFactory(username="south"))
    raise_impediment(org, "North's")
    services.impediment_raise(actor=second.memberships.get().user, team=second, title="South's")
    other = TeamFactory(name="West")
    MembershipFactory(team=other, user=UserFactory(username="west"))
    services.impediment_raise(actor=other.memberships.get().user, team=other, title="West's")
    client.force_login(org["coordinator"])

    response = client.get(url("impediment_board"))

    assert [
        (team.name, [i.title for i in impediments])
        for team, impediments in response.context["board"].by_team()
    ] == [("North", ["North's"]), ("South", ["South's"])]


def test_the_coordinator_board_shows_each_teams_oldest_and_counts_the_rest(client, org, team):
    for n in range(AGENDA_SHOWN + 2):
        raise_impediment(org, f"Number {n}")
    client.force_login(org["coordinator"])

    response = client.get(url("impediment_board"))

    [(shown_team, impediments)] = response.context["board"].by_team()
    assert [i.title for i in impediments] == [f"Number {n}" for n in range(AGENDA_SHOWN)]
    assert (shown_team.open_impediments, shown_team.more_impediments) == (AGENDA_SHOWN + 2, 2)
    assert '<p class="su-more" data-hidden="2">2 more open' in response.content.decode()


def test_the_vsm_answers_on_the_escalations_page_and_the_board_shows_it(client, org, team):
    impediment = raise_impediment(org)
    services.impediment_escalate(
        actor=org["coordinator"], impediment_id=impediment.pk, reason=REASON
    )
    client.force_login(org["vsm"])

    page = client.get(url("escalations"))
    assert [i.title for i in page.context["escalations"].waiting] == ["CRM export times out"]
    assert url("impediment_answer", impediment.pk) in page.content.decode()
    response = client.post(
        url("impediment_answer", impediment.pk), {"answer": "Buy two licences"}, **HTMX
    )

    assert 'data-answered="yes"' in response.content.decode()
    client.force_login(org["member"])
    board = client.get(url("team_impediments", team.pk)).content.decode()
    assert "Buy two licences" in board
    assert Notice.objects.filter(kind="answer").count() == 2


def test_another_vsm_cannot_answer(client, org, team, outsider):
    impediment = raise_impediment(org)
    services.impediment_escalate(
        actor=org["coordinator"], impediment_id=impediment.pk, reason=REASON
    )
    far_vsm = outsider.memberships.get().team.value_streams.get().vsm
    client.force_login(far_vsm)

    response = client.post(url("impediment_answer", impediment.pk), {"answer": "No"})

    assert response.status_code == 404  # not their value stream's team: it does not exist
    assert Impediment.objects.get().escalation_answer == ""


def test_a_vsm_seeing_the_team_but_not_escalated_to_gets_403(client, org, team):
    second_vsm = UserFactory(username="second-vsm")
    team.value_streams.add(ValueStreamFactory(name="Controls", vsm=second_vsm))
    impediment = raise_impediment(org)
    services.impediment_escalate(
        actor=org["coordinator"], impediment_id=impediment.pk, reason=REASON, to_id=org["vsm"].pk
    )
    client.force_login(second_vsm)

    response = client.post(url("impediment_answer", impediment.pk), {"answer": "No"}, **HTMX)

    assert response.status_code == 403
    assert Impediment.objects.get().escalation_answer == ""


# --- actions ------------------------------------------------------------------


def test_my_standard_work_lists_my_open_actions_with_overdue_ones_red(client, org, team):
    today = services.team_today(team)
    for title, due in [("Overdue one", today - timedelta(days=1)), ("Today's", today)]:
        Action.objects.create(team=team, title=title, owner=org["member"], due_date=due)
    client.force_login(org["member"])

    content = client.get(url("my_standard_work")).content.decode()

    overdue, todays = Action.objects.order_by("due_date")
    assert f'id="action-{overdue.pk}" class="act-row act-overdue"' in content
    assert f'id="action-{todays.pk}" class="act-row" data-done="no" data-overdue="no"' in content
    assert "North · Stand-up · due" in content


def test_htmx_done_on_my_page_returns_the_row(client, org, team):
    action = Action.objects.create(
        team=team, title="Call", owner=org["member"], due_date=services.team_today(team)
    )
    client.force_login(org["member"])

    response = client.post(url("action_complete", action.pk), {"show_team": "1"}, **HTMX)

    content = response.content.decode()
    assert content.strip().startswith(f'<li id="action-{action.pk}" class="act-row act-done"')
    assert "Reopen" in content
    assert Action.objects.get().done_by == org["member"]
    response = client.post(url("action_reopen", action.pk), {"next": url("my_standard_work")})
    assert response["Location"] == url("my_standard_work")
    assert Action.objects.get().done_at is None


def test_another_member_cannot_tick_my_action(client, org, team):
    action = Action.objects.create(
        team=team, title="Call", owner=org["leader"], due_date=services.team_today(team)
    )
    client.force_login(org["member"])

    assert client.post(url("action_complete", action.pk)).status_code == 403
    assert Action.objects.get().done_at is None


# --- history ------------------------------------------------------------------


def test_history_lists_standups_newest_first_with_what_they_logged_paginated(
    client, org, team, standup
):
    first_day = standup.date - timedelta(days=25)
    past = Standup.objects.bulk_create(
        Standup(team=team, date=first_day + timedelta(days=n), starts_at=standup.starts_at)
        for n in range(25)
    )
    StandupAttendance.objects.bulk_create(
        [StandupAttendance(standup=past[-1], person=org["leader"], present=True),
         StandupAttendance(standup=past[-1], person=org["member"], present=False)]
    )  # fmt: skip
    Action.objects.create(team=team, title="A", owner=org["member"], due_date=standup.date,
                          standup=past[-1])  # fmt: skip
    Impediment.objects.create(team=team, title="I", standup=past[-1])
    client.force_login(org["member"])

    first = client.get(url("standup_history", team.pk))
    second = client.get(url("standup_history", team.pk), {"page": 2})

    rows = list(first.context["standups"])
    assert len(rows) == 20 and len(second.context["standups"]) == 6
    assert [row.date for row in rows[:2]] == [standup.date, past[-1].date]
    assert (
        rows[1].present,
        rows[1].recorded,
        rows[1].actions_given,
        rows[1].impediments_raised,
    ) == (1, 2, 1, 1)
    assert "1 of 2" in first.content.decode()


# --- query counts -------------------------------------------------------------

# Each: the session and user (2), the menu's layers (3), then the page's own.
STANDUP_PAGE_MAX = 14  # stand-up, team's people and value streams, attendance, actions,
# impediments, the previous stand-up, measurements, yesterday's checks (9)
BOARD_MAX = 10  # team, its people and value streams, open, recently removed (5)
COORDINATOR_BOARD_MAX = 9  # teams, their people and value streams, impediments (4)
ESCALATIONS_MAX = 9  # waiting, answered, the teams' people and value streams (4)
HISTORY_MAX = 10  # team, people, value streams, count, one page (5)


def _history(org, *, days: int = 250) -> None:
    """A year of working days before today: stand-ups with attendance, actions (done),
    impediments (removed, some escalated and answered) and measurements, in bulk."""
    team, leader, member = org["team"], org["leader"], org["member"]
    today = services.team_today(team)
    standups = Standup.objects.bulk_create(
        Standup(team=team, date=today - timedelta(days=n), starts_at=timezone.now(),
                notes=f"Day {n}")
        for n in range(1, days + 1)
    )  # fmt: skip
    StandupAttendance.objects.bulk_create(
        StandupAttendance(standup=standup, person=person, present=True)
        for standup in standups
        for person in (leader, member)
    )
    now = timezone.now()
    Action.objects.bulk_create(
        Action(team=team, title=f"Action {n}", owner=member, due_date=standup.date,
               standup=standup, done_at=now, done_by=member)
        for n, standup in enumerate(standups)
    )  # fmt: skip
    Impediment.objects.bulk_create(
        Impediment(team=team, title=f"Impediment {n}", raised_by=member, standup=standup,
                   state=Impediment.State.REMOVED, removed_how="Fixed", removed_at=now,
                   escalated_at=now if n % 5 == 0 else None,
                   escalated_to=org["vsm"] if n % 5 == 0 else None,
                   escalation_reason="Budget" if n % 5 == 0 else "",
                   escalation_answer="Yes" if n % 5 == 0 else "",
                   answered_at=now if n % 5 == 0 else None)
        for n, standup in enumerate(standups)
    )  # fmt: skip
    point = ControlPoint.objects.create(team=team, name="Calls per day", unit="calls")
    Measurement.objects.bulk_create(
        Measurement(control_point=point, measured_on=standup.date, value=n % 40,
                    out_of_limits=n % 7 == 0)
        for n, standup in enumerate(standups)
    )  # fmt: skip


def _live(org, standup) -> None:
    """Today's live data: an open action due, two open impediments, one escalated."""
    team = org["team"]
    followup.action_create(
        actor=org["coordinator"], team=team, title="Call back", owner=org["member"],
        source=Action.Source.STANDUP,
        due_date=standup.date, standup=standup,
    )  # fmt: skip
    Action.objects.create(
        team=team, title="Overdue", owner=org["leader"], due_date=standup.date - timedelta(days=2)
    )
    first = raise_impediment(org, "Open one")
    raise_impediment(org, "Another")
    services.impediment_escalate(actor=org["coordinator"], impediment_id=first.pk, reason=REASON)
    services.standup_attendance_set(
        actor=org["coordinator"], standup_id=standup.pk, present={org["member"].pk: True}
    )


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("who", "name", "limit"),
    [
        ("coordinator", "standup_detail", STANDUP_PAGE_MAX),
        ("member", "standup_detail", STANDUP_PAGE_MAX),
        ("member", "team_impediments", BOARD_MAX),
        ("coordinator", "impediment_board", COORDINATOR_BOARD_MAX),
        ("vsm", "escalations", ESCALATIONS_MAX),
        ("member", "standup_history", HISTORY_MAX),
    ],
)
def test_page_queries_do_not_grow_with_a_year_of_history(
    client, org, standup, django_assert_max_num_queries, who, name, limit
):
    _live(org, standup)
    args = {
        "standup_detail": [standup.pk],
        "team_impediments": [standup.team_id],
        "standup_history": [standup.team_id],
    }.get(name, [])
    path = url(name, *args)
    client.force_login(org[who])
    client.get(path)  # the session is warm, as in use
    one_day = _queries(client, path)

    _history(org)
    with django_assert_max_num_queries(limit):
        response = client.get(path)

    assert response.status_code == 200
    assert _queries(client, path) == one_day


def test_history_fixture_is_about_250_days(org, team):
    _history(org)

    assert Standup.objects.filter(team=team).count() == 250
    assert Impediment.objects.filter(escalated_at__isnull=False).count() == 50


# --- bad input is refused, never a 500 (issue 8, defect 2) ----------------------

NOT_A_PATH = ["abc", "-1", "NaN", "🙂", "//evil.example/", "https://evil.example/x"]


@pytest.mark.parametrize("next_value", NOT_A_PATH)
def test_a_removal_with_a_next_that_is_not_a_local_path_goes_back_to_the_impediment(
    client, org, team, next_value
):
    impediment = raise_impediment(org)
    client.force_login(org["coordinator"])

    response = client.post(
        url("impediment_remove", impediment.pk), {"removed_how": "New licence", "next": next_value}
    )

    assert response.status_code == 302
    assert response["Location"] == url("impediment_detail", impediment.pk)
    assert Impediment.objects.get().state == Impediment.State.REMOVED


@pytest.mark.parametrize("next_value", NOT_A_PATH)
def test_an_escalation_with_a_bad_next_is_sent_once_and_goes_back(client, org, team, next_value):
    impediment = raise_impediment(org)
    client.force_login(org["coordinator"])

    response = client.post(
        url("impediment_escalate", impediment.pk), {"reason": REASON, "next": next_value}
    )

    assert (response.status_code, response["Location"]) == (
        302,
        url("impediment_detail", impediment.pk),
    )
    assert Notice.objects.filter(kind=Notice.Kind.ESCALATION).count() == 1


@pytest.mark.parametrize("next_value", NOT_A_PATH)
def test_a_completed_action_with_a_bad_next_goes_to_my_standard_work(client, org, team, next_value):
    action = Action.objects.create(
        team=team, title="Call", owner=org["member"], due_date=services.team_today(team)
    )
    client.force_login(org["member"])

    response = client.post(url("action_complete", action.pk), {"next": next_value})

    assert (response.status_code, response["Location"]) == (302, url("my_standard_work"))
    assert Action.objects.get().done_by == org["member"]


def test_a_local_next_is_followed(client, org, team):
    impediment = raise_impediment(org)
    client.force_login(org["coordinator"])
    back = url("team_impediments", team.pk) + "?from=board"

    response = client.post(url("impediment_start", impediment.pk), {"next": back})

    assert response["Location"] == back


NUL = "New\x00licence"


@pytest.mark.parametrize(
    ("name", "field", "escalated", "who"),
    [
        ("impediment_remove", "removed_how", False, "coordinator"),
        ("impediment_escalate", "reason", False, "coordinator"),
        ("impediment_answer", "answer", True, "vsm"),
    ],
)
def test_a_nul_byte_in_the_text_is_refused_at_the_field_and_nothing_is_written(
    client, org, team, name, field, escalated, who
):
    impediment = raise_impediment(org)
    if escalated:
        services.impediment_escalate(
            actor=org["coordinator"], impediment_id=impediment.pk, reason=REASON
        )
    before = Impediment.objects.values().get()
    client.force_login(org[who])

    htmx = client.post(url(name, impediment.pk), {field: NUL}, **HTMX)
    plain = client.post(url(name, impediment.pk), {field: NUL})

    for response in (htmx, plain):
        assert response.status_code == 200
        assert (
            "Remove the invisible NUL character from the text; it cannot be saved."
            in response.content.decode()
        )
    assert Impediment.objects.values().get() == before
    assert Notice.objects.count() == (1 if escalated else 0)


def test_a_nul_byte_in_the_notes_is_refused_at_the_field(client, org, standup):
    client.force_login(org["coordinator"])

    response = client.post(url("standup_notes", standup.pk), {"notes": NUL}, **HTMX)

    assert "Remove the invisible NUL character" in response.content.decode()
    assert Standup.objects.get().notes == ""


@pytest.mark.parametrize("to", ["²", "-1", "abc", "0", "1.5"])
def test_a_vsm_that_is_not_one_of_the_choices_is_refused_at_the_field(client, org, team, to):
    team.value_streams.add(ValueStreamFactory(name="Controls", vsm=UserFactory(username="cvsm")))
    impediment = raise_impediment(org)
    client.force_login(org["coordinator"])

    response = client.post(
        url("impediment_escalate", impediment.pk), {"reason": REASON, "to": to}, **HTMX
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Escalate to the VSM of a value stream the team serves." in content
    assert REASON in content  # what was typed is kept
    assert Impediment.objects.get().escalated_at is None
    assert not Notice.objects.exists()


def test_the_chosen_vsm_gets_the_escalation(client, org, team):
    second = UserFactory(username="cvsm")
    team.value_streams.add(ValueStreamFactory(name="Controls", vsm=second))
    impediment = raise_impediment(org)
    client.force_login(org["coordinator"])

    client.post(
        url("impediment_escalate", impediment.pk), {"reason": REASON, "to": second.pk}, **HTMX
    )

    assert Impediment.objects.get().escalated_to == second


def test_a_member_posting_nonsense_to_escalate_is_refused_not_corrected(client, org, team):
    impediment = raise_impediment(org)
    client.force_login(org["member"])

    response = client.post(url("impediment_escalate", impediment.pk), {"to": "²"}, **HTMX)

    assert response.status_code == 403
    assert "Only the team&#x27;s coordinator escalates its impediments." in (
        response.content.decode()
    )
    assert Impediment.objects.get().escalated_at is None


# --- an answered escalation leaves "Waiting for an answer" (issue 8, defect 16) ---


def test_an_answer_on_the_escalations_page_moves_it_to_answered_at_once(client, org, team):
    impediment = raise_impediment(org)
    services.impediment_escalate(
        actor=org["coordinator"], impediment_id=impediment.pk, reason=REASON
    )
    client.force_login(org["vsm"])
    page = client.get(url("escalations")).content.decode()
    assert 'hx-target="#escalations"' in page

    response = client.post(
        url("impediment_answer", impediment.pk),
        {"answer": "Buy two licences", "next": url("escalations")},
        headers={"HX-Request": "true", "HX-Target": "escalations"},
    )

    content = response.content.decode()
    assert content.strip().startswith('<div id="escalations">')
    waiting, answered = content.split('id="escalations-answered"')
    assert 'Waiting for an answer <span class="muted">(0)</span>' in waiting
    assert "Nothing waiting for you." in waiting
    assert f'id="impediment-{impediment.pk}"' not in waiting
    assert f'id="impediment-{impediment.pk}"' in answered and "Buy two licences" in answered
    assert Impediment.objects.get().escalation_answer == "Buy two licences"


def test_an_empty_answer_on_the_escalations_page_is_shown_on_its_card(client, org, team):
    impediment = raise_impediment(org)
    services.impediment_escalate(
        actor=org["coordinator"], impediment_id=impediment.pk, reason=REASON
    )
    client.force_login(org["vsm"])

    response = client.post(
        url("impediment_answer", impediment.pk),
        {"answer": " "},
        headers={"HX-Request": "true", "HX-Target": "escalations"},
    )

    assert response["HX-Retarget"] == f"#impediment-{impediment.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    assert "Write your answer for the team." in response.content.decode()
    assert Impediment.objects.get().answered_at is None


# --- the Marketing Communication department's stand-up (issue 8, defect 8) -----


@pytest.fixture
def department(org):
    """The MC department, serving the org's value stream: its lead and a member."""
    department = TeamFactory(
        name="Marketing Communication",
        kind=Team.Kind.MARKETING_COMMUNICATION,
        coordinator=None,
        value_streams=[org["pumps"]],
        time_zone="Europe/London",
        working_days=[1, 2, 3, 4, 5, 6, 7],
    )
    lead = MembershipFactory(
        team=department, user=UserFactory(username="mc-lead"), role=Membership.Role.LEADER
    ).user
    marcom = MembershipFactory(team=department, user=UserFactory(username="marcom")).user
    return {"team": department, "lead": lead, "marcom": marcom}


def test_the_departments_people_open_its_standup_board_and_history(client, department):
    client.force_login(department["marcom"])
    team = department["team"]

    opened = client.get(url("team_standup_today", team.pk))
    standup = Standup.objects.get(team=team)
    page = client.get(url("standup_detail", standup.pk))

    assert opened["Location"] == url("standup_detail", standup.pk)
    content = page.content.decode()
    assert "Stand-up: Marketing Communication" in content
    assert f'<strong data-role="leader">{department["lead"].display_name}</strong>' in content
    assert "Department lead" in content
    assert client.get(url("team_impediments", team.pk)).status_code == 200
    assert client.get(url("standup_history", team.pk)).status_code == 200


def test_the_departments_lead_logs_its_standup_and_a_member_raises_an_impediment(
    client, department
):
    team = department["team"]
    standup = services.standup_open_today(team=team)
    client.force_login(department["lead"])

    client.post(url("standup_start", standup.pk), **HTMX)
    client.post(url("standup_attendance_person", standup.pk, department["marcom"].pk),
                {"present": department["marcom"].pk}, **HTMX)  # fmt: skip
    client.force_login(department["marcom"])
    client.post(url("team_impediment_raise", team.pk), {"title": "No print budget"})

    standup.refresh_from_db()
    assert (standup.started_at is not None, standup.logged_by) == (True, department["lead"])
    assert StandupAttendance.objects.get().person == department["marcom"]
    assert Impediment.objects.get().team == team
    client.force_login(department["lead"])
    rows = client.get(url("standup_list")).context["rows"]
    assert [row.team.name for row in rows] == ["Marketing Communication"]


def test_a_member_of_the_department_does_not_log_its_standup(client, department):
    standup = services.standup_open_today(team=department["team"])
    client.force_login(department["marcom"])

    response = client.post(url("standup_start", standup.pk), **HTMX)

    assert response.status_code == 403
    assert Standup.objects.get().started_at is None


# --- due dates far ahead (issue 8, defect 17) -----------------------------------


def test_a_due_date_more_than_a_year_ahead_asks_for_a_confirmation(client, org, standup, team):
    client.force_login(org["coordinator"])
    data = {"title": "Renew the trade fair stand", "owner": org["member"].pk,
            "due_date": in_days(team, 400)}  # fmt: skip

    asked = client.post(url("standup_action_create", standup.pk), data, **HTMX)
    assert not Action.objects.exists()
    confirmed = client.post(
        url("standup_action_create", standup.pk), {**data, "confirm_far_due_date": "on"}, **HTMX
    )

    content = asked.content.decode()
    assert 'That is more than a year ahead: confirm with "Yes, that far ahead".' in (
        content.replace("&quot;", '"')
    )
    assert 'name="confirm_far_due_date"' in content and "Yes, that far ahead" in content
    action = Action.objects.get()
    assert action.due_date.isoformat() == in_days(team, 400)
    assert f"due {action.due_date:%a} {action.due_date.day} {action.due_date:%b %Y}" in (
        confirmed.content.decode()
    )


def test_the_confirmation_is_not_offered_for_a_near_date(client, org, standup, team):
    client.force_login(org["coordinator"])

    page = client.get(url("standup_detail", standup.pk)).content.decode()
    added = client.post(
        url("standup_action_create", standup.pk),
        {"title": "Call back", "owner": org["member"].pk, "due_date": in_days(team, 30)},
        **HTMX,
    )

    assert "confirm_far_due_date" not in page
    assert "confirm_far_due_date" not in added.content.decode()
    assert Action.objects.count() == 1


@pytest.mark.parametrize("due_date", ["9999-12-31", "2100-01-01"])
def test_a_due_date_years_ahead_is_refused_even_confirmed(client, org, standup, due_date):
    client.force_login(org["coordinator"])

    response = client.post(
        url("standup_action_create", standup.pk),
        {"title": "Someday", "owner": org["member"].pk, "due_date": due_date,
         "confirm_far_due_date": "on"},
        **HTMX,
    )  # fmt: skip

    assert response.status_code == 200
    assert "Choose a due date within 5 years." in response.content.decode()
    assert not Action.objects.exists()


# --- a card's forms, fetched when opened -------------------------------------------------


def test_a_list_of_cards_links_each_cards_forms_instead_of_rendering_them(client, org, team):
    impediment = raise_impediment(org)
    client.force_login(org["coordinator"])

    content = client.get(url("impediment_board")).content.decode()

    back = url("impediment_board")
    assert f'href="{url("impediment_remove_form", impediment.pk)}?next={back}"' in content
    assert f'href="{url("impediment_escalate_form", impediment.pk)}?next={back}"' in content
    assert 'hx-trigger="toggle once from:closest details, click"' in content
    assert 'name="removed_how"' not in content and 'name="reason"' not in content


def test_opening_a_form_with_htmx_returns_the_form_that_posts_back_to_the_list(client, org, team):
    impediment = raise_impediment(org)
    client.force_login(org["coordinator"])
    back = url("team_impediments", team.pk)

    response = client.get(url("impediment_remove_form", impediment.pk), {"next": back}, **HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert content.count("<form") == 1
    assert f'action="{url("impediment_remove", impediment.pk)}"' in content
    assert f'<input type="hidden" name="next" value="{back}">' in content
    assert f'<textarea id="impediment-{impediment.pk}-how" name="removed_how"' in content


def test_without_javascript_the_form_link_opens_the_impediments_page_with_that_form_open(
    client, org, team
):
    impediment = raise_impediment(org)
    client.force_login(org["coordinator"])

    response = client.get(url("impediment_escalate_form", impediment.pk))

    content = response.content.decode()
    assert "<html" in content
    assert content.count('<details class="imp-more">') == 1  # Mark removed, closed
    assert content.count('<details class="imp-more" open>') == 1  # Escalate
    assert f'<textarea id="impediment-{impediment.pk}-reason" name="reason"' in content


def test_the_forms_are_refused_to_whoever_may_not_use_them(client, org, team, outsider):
    impediment = raise_impediment(org)

    client.force_login(org["member"])
    member = client.get(url("impediment_remove_form", impediment.pk), **HTMX)
    client.force_login(org["vsm"])  # the VSM above moves it on, but only the TC escalates
    vsm_remove = client.get(url("impediment_remove_form", impediment.pk), **HTMX)
    vsm_escalate = client.get(url("impediment_escalate_form", impediment.pk), **HTMX)
    client.force_login(outsider)
    outside = client.get(url("impediment_escalate_form", impediment.pk))

    assert (member.status_code, vsm_remove.status_code, vsm_escalate.status_code) == (
        403,
        200,
        403,
    )
    assert outside.status_code == 404
    assert Impediment.objects.get().state == Impediment.State.OPEN
