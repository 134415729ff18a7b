"""Actions: given to someone in the team with a due date not in the past; done by
the owner (or the team's TC or TL); overdue when not done by the owner's own today."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from roles.models import Membership
from standardwork.forms.followup import ActionForm
from standardwork.models import Action
from standardwork.selectors import standups as selectors
from standardwork.selectors.checklists import person_today
from standardwork.services import followup
from standardwork.services import standups as services
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory
from tests.standardwork.conftest import at
from tests.standardwork.factories import ChecklistFactory

pytestmark = pytest.mark.django_db

NOW = at("2026-11-18 08:50")  # Wednesday, London


@pytest.fixture
def standup(org):
    return services.standup_open_today(team=org["team"], now=NOW)


def create(org, standup=None, **fields) -> Action:
    values = {
        "actor": org["coordinator"], "team": org["team"], "title": "Call back Acme",
        "owner": org["member"], "due_date": date(2026, 11, 19), "now": NOW, "standup": standup,
    }  # fmt: skip
    source = Action.Source.STANDUP if values["standup"] is not None else Action.Source.OTHER
    return followup.action_create(**{"source": source, **values, **fields})


def test_the_coordinator_gives_an_action_at_the_standup(org, standup):
    action = create(org, standup, title="  Call back Acme  ")

    assert (
        action.title, action.owner, action.due_date, action.source, action.standup,
        action.created_by, action.is_done,
    ) == ("Call back Acme", org["member"], date(2026, 11, 19), "standup", standup,
          org["coordinator"], False)  # fmt: skip


def test_an_action_may_be_due_today(org, standup):
    assert create(org, standup, due_date=date(2026, 11, 18)).due_date == date(2026, 11, 18)


def test_a_due_date_in_the_past_is_refused_at_the_field_and_writes_nothing(org, standup):
    with pytest.raises(ValidationError) as error:
        create(org, standup, due_date=date(2026, 11, 17))

    assert error.value.message_dict == {"due_date": ["The due date cannot be in the past."]}
    assert not Action.objects.exists()


def test_the_past_is_the_teams_calendar(org):
    org["team"].time_zone = "America/New_York"
    org["team"].save(update_fields=["time_zone"])
    # 03:00 UTC on Thursday is still Wednesday evening in New York.
    thursday_utc = at("2026-11-19 03:00")

    assert create(org, due_date=date(2026, 11, 18), now=thursday_utc).pk
    with pytest.raises(ValidationError):
        create(org, due_date=date(2026, 11, 17), now=thursday_utc)


def test_an_action_needs_a_title_an_owner_in_the_team_and_a_due_date(org, standup):
    outsider = UserFactory(username="outsider")

    with pytest.raises(ValidationError) as error:
        create(org, standup, title=" ", owner=outsider, due_date=None)

    assert error.value.message_dict == {
        "title": ["Say what is to be done."],
        "owner": ["The owner must be someone in North."],
        "due_date": ["Give a due date."],
    }
    assert not Action.objects.exists()


@pytest.mark.parametrize("owner", ["leader", "member", "coordinator"])
def test_the_owner_is_anyone_in_the_team_or_its_coordinator(org, standup, owner):
    assert create(org, standup, owner=org[owner]).owner == org[owner]


@pytest.mark.parametrize("who", ["member", "vsm"])
def test_only_the_tc_or_tl_gives_actions_at_a_standup(org, standup, who):
    with pytest.raises(PermissionDenied, match=services.NOT_LOGGER):
        create(org, standup, actor=org[who])

    assert not Action.objects.exists()


def test_the_vsm_gives_an_action_outside_a_standup(org):
    action = create(org, actor=org["vsm"], source=Action.Source.WEEKLY_REVIEW)

    assert (action.source, action.standup, action.created_by) == ("weekly_review", None, org["vsm"])


def test_a_member_gives_no_actions(org):
    with pytest.raises(PermissionDenied, match=followup.NOT_ASSIGNER):
        create(org, actor=org["member"], source=Action.Source.OTHER)

    assert not Action.objects.exists()


# --- done, reopened -----------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "coordinator", "leader"])
def test_the_owner_or_the_teams_tc_or_tl_ticks_an_action_off(org, standup, who):
    action = create(org, standup)

    done = followup.action_complete(actor=org[who], action_id=action.pk, now=NOW)

    assert (done.done_at, done.done_by, done.is_done) == (NOW, org[who], True)


def test_ticking_twice_keeps_the_first(org, standup):
    action = create(org, standup)
    followup.action_complete(actor=org["member"], action_id=action.pk, now=NOW)

    again = followup.action_complete(actor=org["leader"], action_id=action.pk)

    assert (again.done_at, again.done_by) == (NOW, org["member"])


def test_reopen_clears_done(org, standup):
    action = create(org, standup)
    followup.action_complete(actor=org["member"], action_id=action.pk, now=NOW)

    reopened = followup.action_reopen(actor=org["member"], action_id=action.pk)

    assert (reopened.done_at, reopened.done_by) == (None, None)


@pytest.mark.parametrize("who", ["someone_else", "vsm", "outsider"])
def test_others_do_not_tick_someone_elses_action(org, standup, who):
    action = create(org, standup)
    if who == "someone_else":
        actor = MembershipFactory(team=org["team"], user=UserFactory(username="x")).user
    elif who == "outsider":
        actor = UserFactory(username="outsider")
    else:
        actor = org["vsm"]

    with pytest.raises(PermissionDenied, match=followup.NOT_COMPLETER):
        followup.action_complete(actor=actor, action_id=action.pk)
    followup.action_complete(actor=org["member"], action_id=action.pk, now=NOW)
    with pytest.raises(PermissionDenied, match=followup.NOT_COMPLETER):
        followup.action_reopen(actor=actor, action_id=action.pk)

    assert Action.objects.get(pk=action.pk).done_by == org["member"]


# --- overdue ---------------------------------------------------------------------


@pytest.fixture
def kolkata_member(org):
    team = TeamFactory(name="Kolkata", time_zone="Asia/Kolkata", coordinator=org["coordinator"])
    MembershipFactory(team=team, user=UserFactory(username="kavya"), role=Membership.Role.LEADER)
    return team, team.memberships.get().user


def overdue(user, now) -> list[tuple[str, bool]]:
    return [(action.title, action.overdue) for action in selectors.my_actions(user=user, now=now)]


def test_an_action_due_yesterday_in_the_owners_zone_is_overdue_and_today_is_not(
    org, kolkata_member
):
    team, kavya = kolkata_member
    for title, due in [("Due Tuesday", date(2026, 11, 17)), ("Due Wednesday", date(2026, 11, 18))]:
        Action.objects.create(team=team, title=title, owner=kavya, due_date=due)

    # 20:00 UTC on Tuesday is already 01:30 on Wednesday in Kolkata.
    assert overdue(kavya, at("2026-11-17 20:00")) == [
        ("Due Tuesday", True),
        ("Due Wednesday", False),
    ]


def test_the_same_instant_is_still_the_due_day_in_london(org):
    Action.objects.create(
        team=org["team"], title="Due Tuesday", owner=org["member"], due_date=date(2026, 11, 17)
    )

    assert overdue(org["member"], at("2026-11-17 20:00")) == [("Due Tuesday", False)]
    assert overdue(org["member"], at("2026-11-18 00:00")) == [("Due Tuesday", True)]


def test_the_owners_own_zone_decides_not_the_teams(org, kolkata_member):
    # Kavya's standard work is issued in Kolkata; an action from the London team is
    # overdue by her date, as her page shows it.
    _, kavya = kolkata_member
    ChecklistFactory(owner=kavya, date=date(2026, 11, 16), time_zone="Asia/Kolkata")
    Action.objects.create(
        team=org["team"], title="London's", owner=kavya, due_date=date(2026, 11, 17)
    )

    assert overdue(kavya, at("2026-11-17 20:00")) == [("London's", True)]
    assert person_today(kavya, now=at("2026-11-17 20:00")) == date(2026, 11, 18)


def test_my_actions_are_my_open_ones_soonest_first(org, standup):
    for title, due in [("Later", date(2026, 11, 30)), ("Sooner", date(2026, 11, 19))]:
        create(org, standup, title=title, due_date=due)
    done = create(org, standup, title="Done")
    followup.action_complete(actor=org["member"], action_id=done.pk)
    create(org, standup, title="The leader's", owner=org["leader"])

    assert [a.title for a in selectors.my_actions(user=org["member"], now=NOW)] == [
        "Sooner", "Later",
    ]  # fmt: skip


# --- the action form: due dates far ahead (issue 8, defect 17) -------------------

WEDNESDAY = date(2026, 11, 18)


def action_form(org, due_date: str, *, today: date = WEDNESDAY, **extra) -> ActionForm:
    data = {"title": "Renew the stand", "owner": org["member"].pk, "due_date": due_date, **extra}
    return ActionForm(data, people=[org["member"]], today=today)


@pytest.mark.parametrize("due_date", ["2026-11-18", "2027-11-18"])
def test_a_due_date_up_to_a_year_ahead_needs_no_confirmation(org, due_date):
    form = action_form(org, due_date)

    assert form.is_valid(), form.errors
    assert "confirm_far_due_date" not in form.fields


def test_a_due_date_more_than_a_year_ahead_needs_the_confirmation(org):
    asked = action_form(org, "2027-11-19")
    confirmed = action_form(org, "2027-11-19", confirm_far_due_date="on")

    assert asked.errors == {
        "due_date": ['That is more than a year ahead: confirm with "Yes, that far ahead".']
    }
    assert "confirm_far_due_date" in asked.fields
    assert confirmed.is_valid(), confirmed.errors
    assert confirmed.cleaned_data["due_date"] == date(2027, 11, 19)


@pytest.mark.parametrize("due_date", ["2031-11-19", "9999-12-31"])
def test_a_due_date_more_than_five_years_ahead_is_refused_even_confirmed(org, due_date):
    form = action_form(org, due_date, confirm_far_due_date="on")

    assert form.errors == {"due_date": ["Choose a due date within 5 years."]}


def test_a_year_from_29_february_is_28_february(org):
    leap_day = date(2028, 2, 29)

    assert action_form(org, "2029-02-28", today=leap_day).is_valid()
    assert "confirm_far_due_date" in action_form(org, "2029-03-01", today=leap_day).fields


def test_the_date_input_offers_today_to_five_years_ahead(org):
    widget = ActionForm(people=[org["member"]], today=WEDNESDAY).fields["due_date"].widget

    assert (widget.attrs["min"], widget.attrs["max"]) == ("2026-11-18", "2031-11-18")
