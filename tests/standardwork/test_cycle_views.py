"""The improvement pages: a team's cycles and control points, a cycle and its steps
(htmx and plain POST), adopting into standard work, the quick measurement entry,
who sees what, and query counts that do not grow with the history."""

from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roles.models import Layer
from standardwork.models import (
    Action,
    ControlPoint,
    Cycle,
    CycleEvent,
    Measurement,
    Notice,
    TemplateItem,
    TemplateVersion,
)
from standardwork.services import cycles as cycle_services
from standardwork.services import templates as template_services
from standardwork.services.templates import ItemSpec
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
Phase = Cycle.Phase
CYCLE_PAGE_MAX = 17
CONTROL_POINT_PAGE_MAX = 11
TEAM_PAGE_MAX = 16


def url(name: str, *args) -> str:
    return reverse(f"standardwork:{name}", args=args)


def team_today(org) -> date:
    return cycle_services.team_today(org["team"])


@pytest.fixture
def team_standard(org):
    return template_services.template_create(
        actor=org["coordinator"], name="North TL daily", layer=Layer.TL, team=org["team"],
        items=[
            ItemSpec("Head the daily stand-up", expected_minutes=15, kind=TemplateItem.Kind.ATTEND),
            ItemSpec("Check call-list progress", expected_minutes=10),
        ],
    )  # fmt: skip


def new_cycle(org, *, phase=Phase.PLAN, standard=None, **fields) -> Cycle:
    return Cycle.objects.create(
        team=org["team"], title=fields.pop("title", "Shorter stand-ups"),
        problem="Stand-ups run 25 minutes", hypothesis="Logging calls first cuts it to 15",
        target="15 minutes", phase=phase, standard=standard, created_by=org["leader"], **fields,
    )  # fmt: skip


def actions_data(org, *rows) -> dict:
    data = {
        "actions-TOTAL_FORMS": str(len(rows)),
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "1",
        "actions-MAX_NUM_FORMS": "1000",
    }
    for index, (title, owner, due) in enumerate(rows):
        data[f"actions-{index}-title"] = title
        data[f"actions-{index}-owner"] = str(owner.pk) if owner else ""
        data[f"actions-{index}-due_date"] = due.isoformat() if due else ""
    return data


def items_data(items: list[dict], note: str) -> dict:
    data = {
        "form-TOTAL_FORMS": str(len(items)),
        "form-INITIAL_FORMS": str(len(items)),  # as the page renders it: one per current item
        "form-MIN_NUM_FORMS": "1",
        "form-MAX_NUM_FORMS": "1000",
        "note": note,
    }
    for index, item in enumerate(items):
        for key, value in item.items():
            data[f"form-{index}-{key}"] = value
    return data


def written() -> tuple:
    return (
        list(Cycle.objects.values_list("phase", "outcome", "check_result")),
        CycleEvent.objects.count(), Action.objects.count(), TemplateVersion.objects.count(),
        list(Measurement.objects.values_list("value", flat=True)), Notice.objects.count(),
        ControlPoint.objects.count(),
    )  # fmt: skip


@pytest.fixture
def outsider(org):
    """A member of another team in the same value stream."""
    other = TeamFactory(name="South", value_streams=[org["pumps"]])
    return MembershipFactory(team=other, user=UserFactory(username="outsider")).user


# --- lists ----------------------------------------------------------------------


def test_the_improvement_menu_leads_a_one_team_person_straight_to_their_team(client, org):
    client.force_login(org["member"])

    response = client.get(url("improvement"))

    assert response.status_code == 302
    assert response.url == url("team_improvement", org["team"].pk)


def test_the_improvement_menu_lists_a_vsms_teams(client, org):
    TeamFactory(name="South", value_streams=[org["pumps"]])
    new_cycle(org)
    client.force_login(org["vsm"])

    response = client.get(url("improvement"))

    assert response.status_code == 200
    assert [(t.name, t.open_cycles) for t in response.context["teams"]] == [
        ("North", 1), ("South", 0),
    ]  # fmt: skip


def test_the_team_page_shows_open_and_closed_cycles_and_control_points(client, org):
    open_cycle = new_cycle(org, phase=Phase.DO)
    closed = new_cycle(org, title="Old", phase=Phase.CLOSED, outcome="abandon")
    Cycle.objects.filter(pk=closed.pk).update(closed_at=timezone.now())
    point = cycle_services.control_point_create(
        actor=org["coordinator"], team=org["team"], name="Calls per day", unit="calls"
    )
    cycle_services.measurement_record(
        actor=org["member"], control_point_id=point.pk, value=Decimal(42),
        measured_on=team_today(org),
    )  # fmt: skip
    client.force_login(org["member"])

    response = client.get(url("team_improvement", org["team"].pk))

    page = response.context["page"]
    assert [c.title for c in page.open_cycles] == [open_cycle.title]
    assert [c.title for c in page.closed_cycles] == ["Old"]
    assert [(row.control_point.name, row.last.value) for row in page.control_points] == [
        ("Calls per day", Decimal(42))
    ]
    html = response.content.decode()
    assert "Start a cycle" in html
    assert "Add a control point" not in html  # a member adds none
    assert 'class="cp-spark"' in html


def test_the_improvement_menu_entry_is_shown_to_people_with_a_layer(client, org):
    client.force_login(org["member"])

    response = client.get(url("team_improvement", org["team"].pk))

    assert ("Improvement", url("improvement")) in response.context["nav_items"]


# --- starting a cycle -----------------------------------------------------------


def test_a_member_starts_a_cycle_on_the_teams_standard(client, org, team_standard):
    client.force_login(org["member"])

    response = client.post(
        url("cycle_start", org["team"].pk),
        {"kind": "pdca", "title": "Shorter stand-ups", "problem": "25 minutes",
         "hypothesis": "Log calls first", "target": "15 minutes", "stage": "value",
         "standard": team_standard.pk},
    )  # fmt: skip

    cycle = Cycle.objects.get()
    assert response.status_code == 302
    assert response.url == url("cycle_detail", cycle.pk)
    assert (cycle.title, cycle.stage, cycle.standard, cycle.phase) == (
        "Shorter stand-ups", "value", team_standard, Phase.PLAN,
    )  # fmt: skip


def test_the_start_form_offers_only_the_teams_stages_and_standards(client, org, team_standard):
    template_services.template_create(
        actor=org["superuser"], name="Everyone TL", layer=Layer.TL, items=[ItemSpec("x")]
    )
    client.force_login(org["leader"])

    form = client.get(url("cycle_start", org["team"].pk)).context["form"]

    assert [code for code, _ in form.fields["stage"].choices] == ["", "identification", "value"]
    assert list(form.fields["standard"].queryset) == [team_standard]


def test_a_plan_without_its_problem_is_shown_again_with_the_message_at_the_field(client, org):
    client.force_login(org["leader"])

    response = client.post(
        url("cycle_start", org["team"].pk), {"kind": "pdca", "title": "Better calls"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "problem": ["Say what problem the cycle is to solve."],
        "hypothesis": ["Say what you think will solve it."],
        "target": ["Say what result would show it worked."],
    }
    assert Cycle.objects.count() == 0


# --- the cycle page and its steps --------------------------------------------------


def test_the_cycle_page_shows_the_plan_and_the_form_of_the_next_step(client, org, team_standard):
    cycle = new_cycle(org, standard=team_standard)
    client.force_login(org["leader"])

    response = client.get(url("cycle_detail", cycle.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<li class="cy-step cy-step-current" aria-current="step">Plan</li>' in html
    assert "Next: Do" in html
    assert f'hx-post="{url("cycle_do", cycle.pk)}"' in html
    assert "Stand-ups run 25 minutes" in html
    assert f'href="{url("template_detail", team_standard.pk)}"' in html


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_moving_to_do_adds_the_actions(client, org, htmx):
    cycle = new_cycle(org)
    client.force_login(org["member"])
    due = team_today(org) + timedelta(days=3)

    response = client.post(
        url("cycle_do", cycle.pk),
        actions_data(org, ("Log calls before the stand-up", org["member"], due), ("", None, None)),
        **(HTMX if htmx else {}),
    )

    cycle.refresh_from_db()
    assert cycle.phase == Phase.DO
    assert list(Action.objects.values_list("title", "owner", "due_date", "cycle")) == [
        ("Log calls before the stand-up", org["member"].pk, due, cycle.pk)
    ]
    if htmx:
        html = response.content.decode()
        assert response.status_code == 200
        assert html.lstrip().startswith('<div id="cycle"')
        assert "Moved to Do." in html
        assert 'aria-current="step">Do</li>' in html
        assert "<html" not in html
    else:
        assert response.status_code == 302
        assert response.url == url("cycle_detail", cycle.pk)


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_an_action_due_in_the_past_is_refused_at_its_field(client, org, htmx):
    cycle = new_cycle(org)
    client.force_login(org["leader"])
    before = written()

    response = client.post(
        url("cycle_do", cycle.pk),
        actions_data(org, ("Log calls", org["member"], team_today(org) - timedelta(days=1))),
        **(HTMX if htmx else {}),
    )

    assert response.status_code == 200
    assert response.context["actions_formset"].errors == [
        {"due_date": ["The due date cannot be in the past."]}
    ]
    assert "The due date cannot be in the past." in response.content.decode()
    assert written() == before


def test_a_step_the_cycle_is_not_at_is_refused_with_where_it_can_go(client, org):
    cycle = new_cycle(org)
    client.force_login(org["leader"])
    before = written()

    response = client.post(url("cycle_check", cycle.pk), {"check_result": "Great"}, **HTMX)

    assert response.status_code == 200
    assert response.context["step_error"] == "A cycle in Plan moves to Do, not to Check."
    assert "A cycle in Plan moves to Do, not to Check." in response.content.decode()
    assert "Next: Do" in response.content.decode()  # the step it is really at
    assert written() == before


def test_check_needs_a_result_at_the_field(client, org):
    cycle = new_cycle(org, phase=Phase.DO)
    client.force_login(org["leader"])
    before = written()

    response = client.post(url("cycle_check", cycle.pk), {"check_result": ""})

    assert response.status_code == 200
    assert response.context["check_form"].errors == {
        "check_result": ["Say what the results show against the cycle's control points."]
    }
    assert written() == before


def test_check_and_act_move_the_cycle_on_and_the_history_shows_it(client, org):
    cycle = new_cycle(org, phase=Phase.DO)
    client.force_login(org["leader"])

    client.post(url("cycle_check", cycle.pk), {"check_result": "14 minutes on average"})
    response = client.post(url("cycle_act", cycle.pk), {"note": "Logging first works"}, **HTMX)

    cycle.refresh_from_db()
    assert (cycle.phase, cycle.check_result) == (Phase.ACT, "14 minutes on average")
    assert list(cycle.events.values_list("from_phase", "to_phase", "note")) == [
        ("do", "check", ""), ("check", "act", "Logging first works"),
    ]  # fmt: skip
    html = response.content.decode()
    assert "Act: decide" in html
    assert "Adopt" in html and "Abandon" in html and "Start a follow-up cycle" in html


def test_abandon_without_a_reason_is_refused_at_the_field(client, org):
    cycle = new_cycle(org, phase=Phase.ACT)
    client.force_login(org["member"])
    before = written()

    response = client.post(url("cycle_close", cycle.pk), {"outcome": "abandon", "note": ""}, **HTMX)

    assert response.context["abandon_form"].errors == {"note": ["Say why the cycle is abandoned."]}
    assert '<details class="cy-choice" open>' in response.content.decode()
    assert written() == before


def test_sdca_corrected_without_the_corrective_action_is_refused_at_the_field(
    client, org, team_standard
):
    cycle = new_cycle(org, phase=Phase.ACT, standard=team_standard, kind=Cycle.Kind.SDCA)
    client.force_login(org["leader"])
    before = written()

    response = client.post(url("cycle_close", cycle.pk), {"outcome": "corrected"})

    assert response.context["sdca_form"].errors == {
        "corrective_action": ["Describe the corrective action taken."]
    }
    assert written() == before
    client.post(url("cycle_close", cycle.pk), {"outcome": "holds", "note": "Kept"})
    cycle.refresh_from_db()
    assert (cycle.phase, cycle.outcome) == (Phase.CLOSED, "holds")


def test_follow_up_opens_the_new_cycle(client, org):
    cycle = new_cycle(org, phase=Phase.ACT)
    client.force_login(org["member"])

    response = client.post(
        url("cycle_follow_up", cycle.pk),
        {"follow_up-title": "Round two", "follow_up-problem": "Still 18 minutes",
         "follow_up-hypothesis": "Prepare the board", "follow_up-target": "15 minutes"},
        **HTMX,
    )  # fmt: skip

    cycle.refresh_from_db()
    follow_up = cycle.follow_up
    assert (follow_up.title, follow_up.phase) == ("Round two", Phase.PLAN)
    assert response["HX-Redirect"] == url("cycle_detail", follow_up.pk)
    html = client.get(url("cycle_detail", follow_up.pk)).content.decode()
    assert f'href="{url("cycle_detail", cycle.pk)}">Shorter stand-ups</a>' in html


# --- adopting ---------------------------------------------------------------------


def test_the_adopt_form_starts_from_the_current_items(client, org, team_standard):
    cycle = new_cycle(org, phase=Phase.ACT, standard=team_standard)
    client.force_login(org["leader"])

    response = client.get(url("cycle_adopt", cycle.pk))

    assert response.status_code == 200
    assert [item["title"] for item in response.context["formset"].initial] == [
        "Head the daily stand-up", "Check call-list progress",
    ]  # fmt: skip
    assert response.context["form"].initial["note"] == "Adopted from PDCA cycle: Shorter stand-ups"
    assert "Adopt as version 2" in response.content.decode()


def test_adopting_with_an_edited_item_makes_version_two_and_both_pages_link_it(
    client, org, team_standard
):
    cycle = new_cycle(org, phase=Phase.ACT, standard=team_standard)
    client.force_login(org["leader"])

    response = client.post(
        url("cycle_adopt", cycle.pk),
        items_data(
            [{"title": "Head the 15-minute stand-up", "cadence": "daily",
              "expected_minutes": "15", "kind": "attend"},
             {"title": "Check call-list progress", "cadence": "daily",
              "expected_minutes": "10", "kind": "do"}],
            note="Adopted from PDCA cycle: Shorter stand-ups",
        ),
    )  # fmt: skip

    assert response.status_code == 302
    version = team_standard.versions.get(number=2)
    assert (version.cycle, version.note) == (cycle, "Adopted from PDCA cycle: Shorter stand-ups")
    assert list(version.items.values_list("title", flat=True)) == [
        "Head the 15-minute stand-up", "Check call-list progress",
    ]  # fmt: skip
    cycle_html = client.get(url("cycle_detail", cycle.pk)).content.decode()
    assert (
        f'<a href="{url("template_detail", team_standard.pk)}">North TL daily, version 2</a>'
        in cycle_html
    )
    template_html = client.get(url("template_detail", team_standard.pk)).content.decode()
    assert f'href="{url("cycle_detail", cycle.pk)}"' in template_html


def test_the_blank_extra_item_row_of_the_adopt_form_is_skipped(client, org, team_standard):
    cycle = new_cycle(org, phase=Phase.ACT, standard=team_standard)
    client.force_login(org["leader"])
    rows = [
        {"title": "Head the 15-minute stand-up", "cadence": "daily", "expected_minutes": "15",
         "kind": "attend"},
        {"title": "Check call-list progress", "cadence": "daily", "expected_minutes": "10",
         "kind": "do"},
        # What a browser posts for the untouched extra row: the selects' first options.
        {"title": "", "cadence": "daily", "weekday": "", "day_of_month": "",
         "expected_minutes": "5", "kind": "do"},
    ]  # fmt: skip
    data = items_data(rows, note="Adopted")
    data["form-INITIAL_FORMS"] = "2"

    response = client.post(url("cycle_adopt", cycle.pk), data)

    assert response.status_code == 302
    assert team_standard.versions.get(number=2).items.count() == 2


def test_a_member_cannot_adopt(client, org, team_standard):
    cycle = new_cycle(org, phase=Phase.ACT, standard=team_standard)
    client.force_login(org["member"])
    before = written()

    page = client.get(url("cycle_adopt", cycle.pk))
    post = client.post(
        url("cycle_adopt", cycle.pk),
        items_data([{"title": "X", "cadence": "daily", "expected_minutes": "5", "kind": "do"}],
                   note="n"),
    )  # fmt: skip

    assert (page.status_code, post.status_code) == (403, 403)
    assert "Only the team's Team Leader, Team Coordinator or VSM adopts a cycle." in unescape(
        post.content.decode()
    )
    assert written() == before
    assert (
        "Adopt: change the standard"
        not in client.get(url("cycle_detail", cycle.pk)).content.decode()
    )


def test_the_adopt_page_of_a_cycle_not_in_act_sends_back_with_the_reason(
    client, org, team_standard
):
    cycle = new_cycle(org, phase=Phase.CHECK, standard=team_standard)
    client.force_login(org["leader"])

    response = client.get(url("cycle_adopt", cycle.pk), follow=True)

    assert response.redirect_chain == [(url("cycle_detail", cycle.pk), 302)]
    assert "A cycle in Check moves to Act, not to Closed." in response.content.decode()


# --- who sees what ----------------------------------------------------------------


def test_another_team_sees_none_of_it(client, org, outsider):
    cycle = new_cycle(org, phase=Phase.DO)
    point = cycle_services.control_point_create(
        actor=org["coordinator"], team=org["team"], name="Calls", unit="calls"
    )
    client.force_login(outsider)
    before = written()

    for page in [
        url("team_improvement", org["team"].pk), url("cycle_detail", cycle.pk),
        url("control_point_detail", point.pk), url("cycle_start", org["team"].pk),
        url("cycle_adopt", cycle.pk),
    ]:  # fmt: skip
        assert client.get(page).status_code == 404, page
    assert client.post(url("cycle_check", cycle.pk), {"check_result": "x"}).status_code == 404
    assert (
        client.post(
            url("measurement_record", point.pk), {"value": "3", "measured_on": "2026-01-01"}
        ).status_code
        == 404
    )
    assert client.get(url("improvement")).url == url(
        "team_improvement", outsider.memberships.get().team_id
    )
    assert written() == before


def test_the_vsm_sees_a_cycle_but_does_not_move_it(client, org):
    cycle = new_cycle(org, phase=Phase.DO)
    client.force_login(org["vsm"])
    before = written()

    assert client.get(url("cycle_detail", cycle.pk)).status_code == 200
    response = client.post(url("cycle_check", cycle.pk), {"check_result": "Fine"})

    assert response.status_code == 403
    assert written() == before


# --- control points and the quick entry -------------------------------------------


@pytest.fixture
def point(org):
    return cycle_services.control_point_create(
        actor=org["coordinator"], team=org["team"], name="Calls per day", unit="calls",
        target=Decimal(40), upper_limit=Decimal(80),
    )  # fmt: skip


def test_the_coordinator_adds_a_control_point_for_a_cycle(client, org):
    cycle = new_cycle(org, phase=Phase.DO)
    client.force_login(org["coordinator"])

    form = client.get(url("control_point_create", org["team"].pk) + f"?cycle={cycle.pk}")
    response = client.post(
        url("control_point_create", org["team"].pk),
        {"name": "Connect rate", "unit": "%", "target": "25", "lower_limit": "",
         "upper_limit": "60", "cycle": cycle.pk},
    )  # fmt: skip

    assert form.context["form"].initial["cycle"] == str(cycle.pk)
    point = ControlPoint.objects.get()
    assert response.url == url("control_point_detail", point.pk)
    assert (point.cycle, point.target, point.upper_limit) == (cycle, Decimal(25), Decimal(60))


def test_control_point_limits_out_of_order_are_refused_at_the_field(client, org):
    client.force_login(org["coordinator"])

    response = client.post(
        url("control_point_create", org["team"].pk),
        {"name": "Connect rate", "unit": "%", "lower_limit": "50", "upper_limit": "abc"},
    )

    assert response.context["form"].errors == {"upper_limit": ["Enter a number, like 42 or 3.5."]}
    assert ControlPoint.objects.count() == 0


def test_a_member_does_not_add_control_points(client, org):
    client.force_login(org["member"])

    assert client.get(url("control_point_create", org["team"].pk)).status_code == 403
    assert (
        client.post(
            url("control_point_create", org["team"].pk), {"name": "Calls", "unit": "calls"}
        ).status_code
        == 403
    )
    assert ControlPoint.objects.count() == 0


EXPECTED_VALUE_ERROR = {
    "twelve": "Enter a number, like 42 or 3.5.",
    "12,5": "Enter a number, like 42 or 3.5.",
    "": "Enter the value.",
    "1e400": "Enter a number of at most 9 digits before the decimal point.",
}


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
@pytest.mark.parametrize("value", list(EXPECTED_VALUE_ERROR))
def test_a_measurement_that_is_not_a_number_is_refused_at_the_field(
    client, org, point, htmx, value
):
    client.force_login(org["member"])
    before = written()

    response = client.post(
        url("measurement_record", point.pk),
        {"value": value, "measured_on": team_today(org).isoformat()},
        **(HTMX if htmx else {}),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["value"]
    assert errors == [EXPECTED_VALUE_ERROR[value]]
    assert errors[0] in unescape(response.content.decode())
    assert written() == before


def test_a_measurement_dated_tomorrow_is_refused_at_the_field(client, org, point):
    client.force_login(org["member"])
    before = written()

    response = client.post(
        url("measurement_record", point.pk),
        {"value": "12", "measured_on": (team_today(org) + timedelta(days=1)).isoformat()},
        **HTMX,
    )

    assert response.context["form"].errors == {"measured_on": ["The date cannot be in the future."]}
    assert written() == before


def test_the_quick_entry_redraws_the_chart_with_the_new_point(client, org, point):
    client.force_login(org["member"])
    today = team_today(org)

    response = client.post(
        url("measurement_record", point.pk), {"value": "42", "measured_on": today.isoformat()},
        **HTMX,
    )  # fmt: skip

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="cp-body">')
    assert f"Recorded 42 calls on {today.day} {today:%b}." in html
    assert html.count('class="xmr-point"') == 1
    assert "No natural process limits yet: they need at least 6 values (5 more)." in html
    measurement = Measurement.objects.get()
    assert (measurement.value, measurement.entered_by) == (Decimal(42), org["member"])


def test_a_flagged_value_says_so_and_tells_the_coordinator(client, org, point):
    client.force_login(org["member"])

    response = client.post(
        url("measurement_record", point.pk),
        {"value": "81", "measured_on": team_today(org).isoformat()},
    )

    assert response.status_code == 302
    notice = Notice.objects.get()
    assert (notice.recipient, notice.kind) == (org["coordinator"], Notice.Kind.CONTROL_POINT)
    page = client.get(url("control_point_detail", point.pk)).content.decode()
    assert "Flagged: Above the set upper limit 80." in page
    assert 'class="xmr-point xmr-point-flagged"' in page


def test_the_chart_draws_natural_limits_target_and_set_limits_from_six_values(client, org, point):
    start = team_today(org) - timedelta(days=10)
    for n, value in enumerate((10, 12, 11, 14, 13, 12, 15, 11)):
        cycle_services.measurement_record(
            actor=org["member"], control_point_id=point.pk, value=Decimal(value),
            measured_on=start + timedelta(days=n), confirm_date=True,
        )  # fmt: skip
    client.force_login(org["leader"])

    response = client.get(url("control_point_detail", point.pk))

    html = response.content.decode()
    chart = response.context["chart"]
    assert [(line.label, round(line.value, 2)) for line in chart.lines] == [
        ("UNPL", Decimal("17.95")), ("X̄", Decimal("12.25")), ("LNPL", Decimal("6.55")),
        ("Target", Decimal(40)), ("Upper", Decimal(80)),
    ]  # fmt: skip
    assert "Natural process limits 6.55 to 17.95 around a mean of 12.25 calls" in html
    assert html.count('class="xmr-point"') == 8 + 7  # X points and moving ranges
    assert '<svg class="xmr-svg"' in html and 'role="img"' in html
    assert '<title id="xmr-x-title">Individual values of Calls per day (calls)</title>' in html
    assert html.count("<tr") == 1 + 8  # the data table: head and one row a value


# --- query counts -----------------------------------------------------------------


def _measure(point, actor, count: int) -> None:
    start = date(2025, 1, 1)
    Measurement.objects.bulk_create(
        Measurement(
            control_point=point, value=Decimal(30 + (n * 7) % 13), measured_on=start + timedelta(n),
            entered_by=actor, out_of_limits=n % 17 == 0, signal="Above" if n % 17 == 0 else "",
        )
        for n in range(count)
    )  # fmt: skip


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def _cycle_with_history(org, team_standard):
    cycle = new_cycle(org, phase=Phase.DO, standard=team_standard)
    CycleEvent.objects.create(cycle=cycle, actor=org["leader"], from_phase="plan", to_phase="do")
    Action.objects.create(
        team=org["team"], title="Log calls", owner=org["member"], due_date=team_today(org),
        source="cycle", cycle=cycle, created_by=org["leader"],
    )  # fmt: skip
    points = [
        ControlPoint.objects.create(team=org["team"], cycle=cycle, name=name, unit="calls")
        for name in ("Calls per day", "Meetings booked")
    ]
    return cycle, points


def test_the_cycle_page_keeps_its_query_count_with_250_measurements(
    client, org, team_standard, django_assert_max_num_queries
):
    cycle, points = _cycle_with_history(org, team_standard)
    for point in points:
        _measure(point, org["member"], 1)
    client.force_login(org["leader"])
    client.get(url("cycle_detail", cycle.pk))
    one = _queries(client, url("cycle_detail", cycle.pk))

    Measurement.objects.all().delete()
    for point in points:
        _measure(point, org["member"], 250)
    with django_assert_max_num_queries(CYCLE_PAGE_MAX):
        response = client.get(url("cycle_detail", cycle.pk))

    assert [len(row.latest) for row in response.context["page"].control_points] == [20, 20]
    assert _queries(client, url("cycle_detail", cycle.pk)) == one


def test_the_control_point_page_keeps_its_query_count_with_250_measurements(
    client, org, point, django_assert_max_num_queries
):
    _measure(point, org["member"], 1)
    client.force_login(org["coordinator"])
    client.get(url("control_point_detail", point.pk))
    one = _queries(client, url("control_point_detail", point.pk))

    Measurement.objects.all().delete()
    _measure(point, org["member"], 250)
    with django_assert_max_num_queries(CONTROL_POINT_PAGE_MAX):
        response = client.get(url("control_point_detail", point.pk))

    assert (response.context["page"].total, response.context["page"].shown) == (250, 60)
    assert len(response.context["chart"].ranges) == 60
    assert _queries(client, url("control_point_detail", point.pk)) == one


def test_the_team_page_keeps_its_query_count_with_250_measurements(
    client, org, team_standard, django_assert_max_num_queries
):
    cycle, points = _cycle_with_history(org, team_standard)
    for point in points:
        _measure(point, org["member"], 1)
    client.force_login(org["member"])
    client.get(url("team_improvement", org["team"].pk))
    one = _queries(client, url("team_improvement", org["team"].pk))

    Measurement.objects.all().delete()
    for point in points:
        _measure(point, org["member"], 250)
    for n in range(30):
        new_cycle(org, title=f"Closed {n}", phase=Phase.CLOSED, outcome="abandon")
    with django_assert_max_num_queries(TEAM_PAGE_MAX):
        response = client.get(url("team_improvement", org["team"].pk))

    assert (len(response.context["page"].closed_cycles), response.context["page"].closed_count) == (
        20, 30,
    )  # fmt: skip
    assert _queries(client, url("team_improvement", org["team"].pk)) == one
