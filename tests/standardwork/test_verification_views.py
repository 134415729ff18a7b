"""The verification board, confirming a day and countermeasures, through their views.

The organisation (tests/standardwork/checklist_org.py) works every day of the
week in UTC, so a test can run on any weekday.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from leanops.base.http import DATE_PARAM_REACH
from roles.models import Team
from standardwork.models import Check, CheckEvent, Checklist, MissReason, Notice
from standardwork.selectors import checklists as checklist_selectors
from standardwork.services import checklists as checklist_services
from standardwork.services import verification as verification_services
from tests.standardwork import checklist_org
from tests.standardwork.checklist_org import (
    HTMX,
    add_history,
    queries_of,
    snapshot,
    todays_checks,
    url,
)
from tests.standardwork.factories import CheckFactory, ChecklistFactory

pytestmark = pytest.mark.django_db

# The `org` fixture: the organisation these pages are tried on.
checklist_org = checklist_org.checklist_org


def board_people(client) -> list[str]:
    """Who the week grid shows, team by team."""
    response = client.get(url("verify_board"))
    assert response.status_code == 200
    return [row.person.username for group in response.context["week"].groups for row in group.rows]


def today_list(client, **params):
    """The one-day list (the grid's drill-down) of today."""
    return client.get(url("verify_board"), {"date": timezone.now().date().isoformat(), **params})


def test_coordinator_sees_only_the_people_of_their_own_teams(client, org):
    client.force_login(org.coordinator)

    assert board_people(client) == ["leader1", "member1"]


def test_vsm_sees_coordinators_and_team_leaders_of_their_value_stream_only(client, org):
    client.force_login(org.vsm)

    assert board_people(client) == ["tc1", "leader1", "tc2", "leader2"]


def test_person_without_a_layer_below_gets_an_empty_board_not_a_refusal(client, org):
    client.force_login(org.member)

    response = client.get(url("verify_board"))
    day = today_list(client)

    assert response.status_code == 200
    assert response.context["week"].groups == []
    assert "Nobody to verify" in response.content.decode()
    assert (day.status_code, day.context["rows"]) == (200, [])


def test_board_shows_each_item_red_green_or_grey_with_the_reason_of_a_miss(client, org):
    done, missed, _, _ = todays_checks(org.leader)
    checklist_services.check_tick(actor=org.leader, check_id=done.pk)
    checklist_services.check_mark_missed(
        actor=org.leader,
        check_id=missed.pk,
        reason=MissReason.objects.get(label="Forgot"),
        note="Back-to-back meetings",
    )
    client.force_login(org.coordinator)

    response = today_list(client)

    content = response.content.decode()
    row = response.context["rows"][0]
    assert [check.colour for check in row.checks] == ["green", "red", "grey", "grey"]
    assert f'id="board-check-{missed.pk}" class="sw-cell sw-cell-red"' in content
    assert "<strong>Forgot</strong>: Back-to-back meetings" in content
    assert "1/4 done" in content


def test_board_shows_another_day_and_reports_a_bad_date(client, org):
    yesterday = timezone.now().date() - timedelta(days=1)
    old = CheckFactory(
        checklist=ChecklistFactory(owner=org.leader, date=yesterday),
        item=org.tl_items[0],
        status=Check.Status.DONE,
    )
    client.force_login(org.coordinator)

    other_day = client.get(url("verify_board"), {"date": yesterday.isoformat()})
    bad = client.get(url("verify_board"), {"date": "2025-02-30"})

    assert other_day.context["day"] == yesterday
    assert f'id="board-check-{old.pk}"' in other_day.content.decode()
    assert bad.status_code == 200
    today = checklist_selectors.person_today(org.coordinator)
    assert bad.context["day"] == today
    assert f"“2025-02-30” is not a date like {today.isoformat()}." in bad.content.decode()


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1900-01-01"])
def test_board_refuses_a_date_out_of_range_with_a_message_not_a_500(client, org, value):
    client.force_login(org.coordinator)

    response = client.get(url("verify_board"), {"date": value})

    today = checklist_selectors.person_today(org.coordinator)
    assert response.status_code == 200
    assert response.context["day"] == today
    earliest, latest = today - DATE_PARAM_REACH, today + DATE_PARAM_REACH
    message = f"{value} is out of range: choose a day from {earliest} to {latest}."
    assert response.context["date_error"] == message
    assert message in response.content.decode()


def test_board_steps_from_monday_back_to_friday_and_from_friday_on_to_monday(client, org):
    Team.objects.filter(coordinator=org.coordinator).update(working_days=[1, 2, 3, 4, 5])
    client.force_login(org.coordinator)

    monday = client.get(url("verify_board"), {"date": "2026-11-16"})
    friday = client.get(url("verify_board"), {"date": "2026-11-20"})

    assert (monday.context["previous_day"], monday.context["next_day"]) == (
        date(2026, 11, 13),
        date(2026, 11, 17),
    )
    assert (friday.context["previous_day"], friday.context["next_day"]) == (
        date(2026, 11, 19),
        date(2026, 11, 23),
    )
    assert '?date=2026-11-13" rel="prev"' in monday.content.decode()


def test_coordinator_confirms_a_persons_day(client, org):
    checks = todays_checks(org.leader)
    client.force_login(org.coordinator)

    response = client.post(url("checklist_confirm", checks[0].checklist_id), **HTMX)

    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith(
        f'<section class="card sw-person" id="person-{org.leader.pk}"'
    )
    assert "Confirmed by Sofia Marchetti" in content
    checklist = Checklist.objects.get(pk=checks[0].checklist_id)
    assert checklist.verified_by == org.coordinator
    assert set(checklist.checks.values_list("verification", flat=True)) == {"confirmed"}
    assert (
        CheckEvent.objects.filter(kind=CheckEvent.Kind.CONFIRM, actor=org.coordinator).count() == 4
    )


def test_confirm_without_javascript_redirects_to_the_board_of_that_day(client, org):
    checklist = todays_checks(org.leader)[0].checklist
    client.force_login(org.coordinator)

    response = client.post(url("checklist_confirm", checklist.pk))

    assert response.status_code == 302
    assert response.url == f"{url('verify_board')}?date={checklist.date.isoformat()}"


@pytest.mark.parametrize(
    ("who", "status", "message"),
    [
        # Who may not see the leader's standard work does not find the day.
        ("member", 404, "That checklist no longer exists; reload the page."),
        ("other_coordinator", 404, "That checklist no longer exists; reload the page."),
        ("far_vsm", 404, "That checklist no longer exists; reload the page."),
        # The leader sees their own day but is not the layer above it.
        ("leader", 403, "You verify only the standard work of the layer below you."),
    ],
)
def test_only_the_layer_above_may_confirm_a_day(client, org, who, status, message):
    checks = todays_checks(org.leader)
    before = [snapshot(check) for check in checks]
    client.force_login(getattr(org, who))

    response = client.post(url("checklist_confirm", checks[0].checklist_id))

    assert response.status_code == status
    assert message in response.content.decode()
    checklist = Checklist.objects.get(pk=checks[0].checklist_id)
    assert (checklist.verified_by, checklist.verified_at) == (None, None)
    assert [snapshot(check) for check in checks] == before
    assert CheckEvent.objects.count() == 0


def test_confirming_a_checklist_that_no_longer_exists_says_so(client, org):
    gone = todays_checks(org.leader)[0].checklist_id
    Checklist.objects.filter(pk=gone).delete()
    client.force_login(org.coordinator)

    inline = client.post(url("checklist_confirm", gone), **HTMX)
    plain = client.post(url("checklist_confirm", gone))

    # Not found, as a day of someone one may not see: the two are one answer.
    assert (inline.status_code, inline["HX-Retarget"]) == (404, "#messages")
    assert "That checklist no longer exists; reload the page." in inline.content.decode()
    assert plain.status_code == 404
    assert "That checklist no longer exists; reload the page." in plain.content.decode()
    assert CheckEvent.objects.count() == 0


@pytest.mark.parametrize("who", ["member", "other_coordinator", "far_vsm"])
def test_someone_not_above_a_person_does_not_find_their_checklist(client, org, who):
    checklist = todays_checks(org.leader)[0].checklist
    client.force_login(getattr(org, who))

    response = client.get(url("checklist_detail", checklist.pk))

    assert response.status_code == 404
    assert "That checklist no longer exists; reload the page." in response.content.decode()


def test_a_person_opens_their_own_checklist_without_the_confirm_button(client, org):
    checklist = todays_checks(org.leader)[0].checklist
    client.force_login(org.leader)

    response = client.get(url("checklist_detail", checklist.pk))

    assert response.status_code == 200
    assert url("checklist_confirm", checklist.pk) not in response.content.decode()


def test_coordinator_opens_a_persons_checklist_with_its_actions(client, org):
    checklist = todays_checks(org.leader)[0].checklist
    client.force_login(org.coordinator)

    response = client.get(url("checklist_detail", checklist.pk))

    assert response.status_code == 200
    assert url("checklist_confirm", checklist.pk) in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status", "message"),
    [
        ("member", 404, "That item no longer exists; reload the page."),
        ("far_vsm", 404, "That item no longer exists; reload the page."),
        # The leader sees their own item but does not verify it.
        ("leader", 403, "You verify only the standard work of the layer below you."),
    ],
)
@pytest.mark.parametrize("comment", ["Why?", ""])
def test_only_the_layer_above_asks_for_a_countermeasure_and_nothing_is_written(
    client, org, who, status, message, comment
):
    check = todays_checks(org.leader)[0]
    before = snapshot(check)
    client.force_login(getattr(org, who))

    response = client.post(url("check_request_countermeasure", check.pk), {"comment": comment})

    assert response.status_code == status
    assert message in response.content.decode()
    assert snapshot(check) == before
    assert (CheckEvent.objects.count(), Notice.objects.count()) == (0, 0)


def test_asking_for_a_countermeasure_without_a_comment_is_refused(client, org):
    check = todays_checks(org.leader)[0]
    before = snapshot(check)
    client.force_login(org.coordinator)

    response = client.post(url("check_request_countermeasure", check.pk), {"comment": " "}, **HTMX)

    assert response.status_code == 200
    assert "Say what countermeasure you are asking for." in response.content.decode()
    assert snapshot(check) == before
    assert (CheckEvent.objects.count(), Notice.objects.count()) == (0, 0)


def board_colour(client, check: Check) -> str:
    response = today_list(client)
    (row,) = [row for row in response.context["rows"] if row.person.pk == check.checklist.owner_id]
    return {c.pk: c.colour for c in row.checks}[check.pk]


def test_countermeasure_asked_for_stays_red_until_the_owner_records_one(client, org):
    check = todays_checks(org.leader)[0]
    checklist_services.check_tick(actor=org.leader, check_id=check.pk)
    coordinator, leader = client, type(client)()
    coordinator.force_login(org.coordinator)
    leader.force_login(org.leader)
    assert board_colour(coordinator, check) == "green"

    asked = coordinator.post(
        url("check_request_countermeasure", check.pk),
        {"comment": "The call list was not updated"},
        **HTMX,
    )

    assert asked.status_code == 200
    assert f'id="board-check-{check.pk}" class="sw-cell sw-cell-red"' in asked.content.decode()
    assert board_colour(coordinator, check) == "red"
    page = leader.get(url("my_standard_work")).content.decode()
    assert f'id="countermeasure-{check.pk}"' in page
    assert "Sofia Marchetti asks: The call list was not updated" in page
    assert Notice.objects.get(recipient=org.leader).kind == Notice.Kind.COUNTERMEASURE

    recorded = leader.post(
        url("check_record_countermeasure", check.pk),
        {"countermeasure": "Update the list before the stand-up"},
        **HTMX,
    )

    assert recorded.status_code == 200
    assert "Countermeasure recorded: Update the list before the stand-up" in (
        recorded.content.decode()
    )
    assert f'data-item="{check.item_id}" hx-swap-oob="true"' in recorded.content.decode()
    assert board_colour(coordinator, check) == "green"
    check.refresh_from_db()
    assert (check.verification, check.countermeasure) == (
        Check.Verification.COUNTERMEASURE_RECORDED,
        "Update the list before the stand-up",
    )


def test_recording_a_countermeasure_without_text_or_for_someone_else_writes_nothing(client, org):
    check = todays_checks(org.leader)[0]
    verification_services.check_request_countermeasure(
        actor=org.coordinator, check_id=check.pk, comment="Why?"
    )
    before, events = snapshot(check), CheckEvent.objects.count()
    client.force_login(org.leader)
    empty = client.post(
        url("check_record_countermeasure", check.pk), {"countermeasure": ""}, **HTMX
    )
    client.force_login(org.member)
    unseen = client.post(url("check_record_countermeasure", check.pk), {"countermeasure": "Mine"})
    client.force_login(org.coordinator)
    not_owner = [
        client.post(url("check_record_countermeasure", check.pk), {"countermeasure": text})
        for text in ["Mine", ""]
    ]

    assert empty.status_code == 200
    assert "Describe the countermeasure." in empty.content.decode()
    assert unseen.status_code == 404
    assert [response.status_code for response in not_owner] == [403, 403]
    assert "Only the owner of the item records its countermeasure." in (
        not_owner[1].content.decode()
    )
    assert snapshot(check) == before
    assert CheckEvent.objects.count() == events


def test_every_change_is_kept_in_the_history_with_actor_and_kind(client, org):
    check = todays_checks(org.leader)[0]
    leader, coordinator = client, type(client)()
    leader.force_login(org.leader)
    coordinator.force_login(org.coordinator)

    leader.post(url("check_tick", check.pk))
    leader.post(url("check_undo", check.pk))
    leader.post(url("check_miss", check.pk), {"reason_text": "Fire drill", "note": "Evacuated"})
    coordinator.post(url("check_request_countermeasure", check.pk), {"comment": "Plan B?"})
    leader.post(url("check_record_countermeasure", check.pk), {"countermeasure": "Do it at 2pm"})
    coordinator.post(url("checklist_confirm", check.checklist_id))

    assert list(
        CheckEvent.objects.filter(check_item=check)
        .order_by("pk")
        .values_list("actor__username", "kind", "text")
    ) == [
        ("leader1", "tick", ""),
        ("leader1", "undo", ""),
        ("leader1", "miss", "Fire drill: Evacuated"),
        ("tc1", "request", "Plan B?"),
        ("leader1", "record", "Do it at 2pm"),
    ]  # the day's confirm skips an item already answered
    board = today_list(coordinator).content.decode()
    assert "History (5)" in board
    assert "Countermeasure asked for by Sofia Marchetti" in board


# --- query counts -------------------------------------------------------------


# --- query counts -------------------------------------------------------------

# Measured: GET the board 16 (SQLite), one of them the header's count of unread notices.
BOARD_MAX = 16


def test_verification_board_queries_do_not_grow_with_a_year_of_history(
    client, org, django_assert_max_num_queries
):
    for person in (org.leader, org.member):
        checklist_services.checklist_issue_today(user=person)
    client.force_login(org.coordinator)
    today = url("verify_board") + f"?date={timezone.now().date().isoformat()}"
    client.get(today)  # the session's first page reads the viewer's places; later ones have them
    one_day = queries_of(client, "get", today)

    add_history(org)
    with django_assert_max_num_queries(BOARD_MAX):
        response = client.get(today)

    assert [len(row.checks) for row in response.context["rows"]] == [4, 1]
    assert queries_of(client, "get", today) == one_day
