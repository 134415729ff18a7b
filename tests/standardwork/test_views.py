"""My standard work and the verification board, through their views.

The organisation works every day of the week in UTC, so a test can run on any
weekday; a test that needs a particular day freezes the clock.
"""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roles.models import Layer, Membership
from standardwork import services
from standardwork.models import Check, CheckEvent, Checklist, MissReason, Notice, TemplateItem
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory, ValueStreamFactory
from tests.standardwork.factories import CheckFactory, ChecklistFactory, template_with_items

pytestmark = pytest.mark.django_db

EVERY_DAY = [1, 2, 3, 4, 5, 6, 7]
HTMX = {"HTTP_HX_REQUEST": "true"}
TL_ITEMS = [
    "Head the daily stand-up",
    "Add new call scripts to the follow-up campaign",
    "Check call-list progress",
    "Review yesterday's call outcomes",
]


def _team(name, coordinator, value_stream):
    return TeamFactory(
        name=name,
        coordinator=coordinator,
        value_streams=[value_stream],
        time_zone="UTC",
        working_days=EVERY_DAY,
    )


@pytest.fixture
def org():
    """Two value streams; the first has two teams with their own coordinators."""
    vsm, far_vsm = UserFactory(username="vsm1"), UserFactory(username="vsm2")
    pumps = ValueStreamFactory(vsm=vsm, time_zone="UTC")
    controls = ValueStreamFactory(vsm=far_vsm, time_zone="UTC")
    coordinator = UserFactory(username="tc1", first_name="Sofia", last_name="Marchetti")
    other_coordinator = UserFactory(username="tc2")
    far_coordinator = UserFactory(username="tc3")
    team = _team("Pumps Prospecting", coordinator, pumps)
    other_team = _team("Pumps Retention", other_coordinator, pumps)
    far_team = _team("Controls Demand Generation", far_coordinator, controls)

    def person(username, team, role=Membership.Role.MEMBER):
        return MembershipFactory(team=team, role=role, user=UserFactory(username=username)).user

    org = SimpleNamespace(
        vsm=vsm,
        far_vsm=far_vsm,
        coordinator=coordinator,
        other_coordinator=other_coordinator,
        far_coordinator=far_coordinator,
        team=team,
        leader=person("leader1", team, Membership.Role.LEADER),
        member=person("member1", team),
        other_leader=person("leader2", other_team, Membership.Role.LEADER),
        far_leader=person("leader3", far_team, Membership.Role.LEADER),
    )
    org.tl_items = template_with_items(layer=Layer.TL, titles=TL_ITEMS)
    org.tc_items = template_with_items(
        layer=Layer.TC, titles=["Attend the stand-ups"]
    ) + template_with_items(
        layer=Layer.TC,
        titles=["Verify the Team Leaders' standard work"],
        kind=TemplateItem.Kind.VERIFY,
    )
    org.member_items = template_with_items(layer=Layer.MEMBER, titles=["Log call outcomes"])
    return org


def todays_checks(user) -> list[Check]:
    checklist = services.checklist_issue_today(user=user)
    return list(checklist.checks.select_related("item").order_by("position"))


def snapshot(check: Check) -> tuple:
    check = Check.objects.get(pk=check.pk)
    return (
        check.status,
        check.done_at,
        check.miss_reason_id,
        check.miss_reason_text,
        check.miss_note,
        check.verification,
        check.verification_comment,
        check.countermeasure,
    )


def url(name: str, *args) -> str:
    return reverse(f"standardwork:{name}", args=args)


# --- my standard work ---------------------------------------------------------


def test_page_issues_and_shows_todays_checklist_with_rows_and_progress(client, org):
    client.force_login(org.leader)

    response = client.get(url("my_standard_work"))

    assert response.status_code == 200
    checks = list(Check.objects.filter(checklist__owner=org.leader).order_by("position"))
    assert [check.item.title for check in checks] == TL_ITEMS
    content = response.content.decode()
    for check in checks:
        assert f'id="check-{check.pk}" class="sw-row sw-open" data-status="open"' in content
    assert "0 of 4 done" in content
    assert url("verify_board") not in content  # a TL has no verify item


def test_page_links_the_verification_board_for_a_person_with_a_verify_item(client, org):
    client.force_login(org.coordinator)

    response = client.get(url("my_standard_work"))

    assert response.status_code == 200
    assert f'href="{url("verify_board")}"' in response.content.decode()


def test_htmx_tick_returns_only_the_row_and_the_progress_bar_out_of_band(client, org):
    check = todays_checks(org.leader)[0]
    client.force_login(org.leader)

    response = client.post(url("check_tick", check.pk), **HTMX)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert content.count('<li id="check-') == 1
    assert f'id="check-{check.pk}" class="sw-row sw-done" data-status="done"' in content
    assert '<div id="progress" class="sw-progress" hx-swap-oob="true">' in content
    assert "1 of 4 done" in content
    check.refresh_from_db()
    assert check.status == Check.Status.DONE
    assert check.actual_minutes == check.item.expected_minutes
    assert list(CheckEvent.objects.values_list("check_item", "actor", "kind")) == [
        (check.pk, org.leader.pk, CheckEvent.Kind.TICK)
    ]


def test_plain_tick_without_javascript_redirects_back_to_the_page(client, org):
    check = todays_checks(org.leader)[1]
    client.force_login(org.leader)

    response = client.post(url("check_tick", check.pk))

    assert response.status_code == 302
    assert response.url == url("my_standard_work")
    check.refresh_from_db()
    assert check.status == Check.Status.DONE
    page = client.get(response.url).content.decode()
    assert f"Done: {check.item.title}." in page
    assert "1 of 4 done" in page


def test_double_tap_leaves_one_done_check_and_one_tick_event(client, org):
    check = todays_checks(org.leader)[0]
    client.force_login(org.leader)

    first = client.post(url("check_tick", check.pk), **HTMX)
    second = client.post(url("check_tick", check.pk), **HTMX)

    assert first.status_code == second.status_code == 200
    assert Check.objects.filter(pk=check.pk, status=Check.Status.DONE).count() == 1
    assert CheckEvent.objects.filter(check_item=check, kind=CheckEvent.Kind.TICK).count() == 1
    assert CheckEvent.objects.count() == 1


def test_undo_reopens_a_done_item_and_keeps_both_events(client, org):
    check = todays_checks(org.leader)[0]
    client.force_login(org.leader)
    client.post(url("check_tick", check.pk), **HTMX)

    response = client.post(url("check_undo", check.pk), **HTMX)

    assert response.status_code == 200
    assert 'data-status="open"' in response.content.decode()
    assert "0 of 4 done" in response.content.decode()
    check.refresh_from_db()
    assert (check.status, check.done_at, check.actual_minutes) == (Check.Status.OPEN, None, None)
    assert list(
        CheckEvent.objects.filter(check_item=check).order_by("pk").values_list("kind", flat=True)
    ) == [CheckEvent.Kind.TICK, CheckEvent.Kind.UNDO]


def test_undo_of_a_miss_clears_the_reason(client, org):
    check = todays_checks(org.leader)[0]
    reason = MissReason.objects.get(label="Forgot")
    services.check_mark_missed(actor=org.leader, check_id=check.pk, reason=reason, note="Sorry")
    client.force_login(org.leader)

    response = client.post(url("check_undo", check.pk))

    assert response.status_code == 302
    check.refresh_from_db()
    assert (check.status, check.miss_reason_id, check.miss_note) == (Check.Status.OPEN, None, "")


def test_missed_opens_an_inline_form_for_htmx_and_a_page_without_javascript(client, org):
    check = todays_checks(org.leader)[0]
    client.force_login(org.leader)

    inline = client.get(url("check_miss", check.pk), **HTMX).content.decode()
    page = client.get(url("check_miss", check.pk)).content.decode()

    assert inline.startswith(f'\n<li id="check-{check.pk}"')
    assert f'<select name="reason" autofocus id="id_miss_{check.pk}_reason">' in inline
    assert f'<label for="id_miss_{check.pk}_reason_text">or type a reason</label>' in inline
    assert "Customer call or meeting ran over" in inline
    assert "<html" in page
    assert f"<h1>Missed: {check.item.title}</h1>" in page
    assert Check.objects.get(pk=check.pk).status == Check.Status.OPEN


def test_cancel_in_the_miss_form_brings_back_the_row(client, org):
    check = todays_checks(org.leader)[0]
    client.force_login(org.leader)

    inline = client.get(url("check_row", check.pk), **HTMX)
    plain = client.get(url("check_row", check.pk))

    assert inline.status_code == 200
    assert f'id="check-{check.pk}" class="sw-row sw-open"' in inline.content.decode()
    assert "<select" not in inline.content.decode()
    assert (plain.status_code, plain.url) == (302, url("my_standard_work"))


def test_miss_with_a_reason_from_the_list_and_a_note(client, org):
    check = todays_checks(org.leader)[2]
    reason = MissReason.objects.get(label="Urgent request from a customer")
    client.force_login(org.leader)

    response = client.post(
        url("check_miss", check.pk), {"reason": reason.pk, "note": "Tender deadline"}, **HTMX
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-status="missed"' in content
    assert "Missed: Urgent request from a customer. Tender deadline" in content
    assert "<strong>0 of 4 done</strong> · 1 missed</p>" in content
    check.refresh_from_db()
    assert (check.status, check.miss_reason, check.miss_note) == (
        Check.Status.MISSED,
        reason,
        "Tender deadline",
    )
    event = CheckEvent.objects.get()
    assert (event.actor, event.kind, event.text) == (
        org.leader,
        CheckEvent.Kind.MISS,
        "Urgent request from a customer: Tender deadline",
    )


def test_miss_with_a_typed_reason_without_javascript_redirects(client, org):
    check = todays_checks(org.leader)[0]
    client.force_login(org.leader)

    response = client.post(
        url("check_miss", check.pk), {"reason_text": "Fire drill", "note": "Building evacuated"}
    )

    assert response.status_code == 302
    assert response.url == url("my_standard_work")
    check.refresh_from_db()
    assert (check.status, check.miss_reason, check.miss_reason_text) == (
        Check.Status.MISSED,
        None,
        "Fire drill",
    )


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_miss_without_a_reason_is_refused_and_writes_nothing(client, org, htmx):
    check = todays_checks(org.leader)[0]
    before = snapshot(check)
    client.force_login(org.leader)

    response = client.post(
        url("check_miss", check.pk), {"reason": "", "reason_text": "  ", "note": "x"},
        **(HTMX if htmx else {}),
    )  # fmt: skip

    assert response.status_code == 200
    assert "Choose a reason or type one." in response.content.decode()
    assert snapshot(check) == before
    assert CheckEvent.objects.count() == 0


def test_miss_without_a_note_is_refused_and_writes_nothing(client, org):
    check = todays_checks(org.leader)[0]
    before = snapshot(check)
    client.force_login(org.leader)

    response = client.post(url("check_miss", check.pk), {"reason_text": "Forgot"}, **HTMX)

    assert response.status_code == 200
    assert "Say in a few words what happened." in response.content.decode()
    assert snapshot(check) == before
    assert CheckEvent.objects.count() == 0


def test_typed_reason_longer_than_the_field_is_a_form_error_and_writes_nothing(client, org):
    check = todays_checks(org.leader)[0]
    before = snapshot(check)
    client.force_login(org.leader)

    response = client.post(
        url("check_miss", check.pk), {"reason_text": "x" * 121, "note": "Long story"}, **HTMX
    )

    assert response.status_code == 200
    assert "Ensure this value has at most 120 characters (it has 121)." in response.content.decode()
    assert snapshot(check) == before
    assert CheckEvent.objects.count() == 0


def test_ticking_another_persons_item_is_refused_and_writes_nothing(client, org):
    check = todays_checks(org.leader)[0]
    before = snapshot(check)
    client.force_login(org.member)

    responses = [
        client.post(url("check_tick", check.pk), **HTMX),
        client.post(url("check_tick", check.pk)),
        client.post(url("check_undo", check.pk)),
        client.post(url("check_miss", check.pk), {"reason_text": "Forgot", "note": "x"}),
        client.get(url("check_miss", check.pk)),
    ]

    assert [response.status_code for response in responses] == [403] * 5
    assert "You can only change your own standard work." in responses[1].content.decode()
    assert snapshot(check) == before
    assert CheckEvent.objects.count() == 0


def test_ticking_an_item_of_another_day_shows_the_message_and_writes_nothing(client, org):
    yesterday = timezone.now().date() - timedelta(days=1)
    check = CheckFactory(
        checklist=ChecklistFactory(owner=org.leader, date=yesterday), item=org.tl_items[0]
    )
    before = snapshot(check)
    client.force_login(org.leader)
    message = (
        f"That item is from {yesterday:%A} {yesterday.day} {yesterday:%B}; "
        "only today&#x27;s can be changed."
    )

    inline = client.post(url("check_tick", check.pk), **HTMX)
    plain = client.post(url("check_tick", check.pk), follow=True)

    assert inline.status_code == 200
    assert f'id="check-{check.pk}" class="sw-row sw-open" data-status="open"' in (
        inline.content.decode()
    )
    assert f'<p class="error" role="alert">{message}</p>' in inline.content.decode()
    assert plain.redirect_chain == [(url("my_standard_work"), 302)]
    assert message in plain.content.decode()
    assert snapshot(check) == before
    assert CheckEvent.objects.count() == 0


def test_ticking_an_item_that_no_longer_exists_says_so(client, org):
    check = todays_checks(org.leader)[0]
    gone = check.pk
    Checklist.objects.filter(owner=org.leader).delete()
    client.force_login(org.leader)

    inline = client.post(url("check_tick", gone), **HTMX)
    plain = client.post(url("check_tick", gone))

    assert inline.status_code == 200
    assert inline.content.decode().strip() == (
        f'<li id="check-{gone}" class="sw-row sw-gone" data-status="gone">\n'
        '  <p class="error" role="alert">That item no longer exists; reload the page.</p>\n'
        "</li>"
    )
    assert plain.status_code == 302
    page = client.get(plain.url).content.decode()
    assert "That item no longer exists; reload the page." in page
    assert CheckEvent.objects.count() == 0


def test_open_weekly_item_from_earlier_this_week_is_listed_until_done(client, org):
    wednesday = datetime(2025, 5, 14, 9, 0, tzinfo=UTC)
    weekly = template_with_items(
        layer=Layer.TL,
        titles=["Weekly script playback"],
        cadence=TemplateItem.Cadence.WEEKLY,
        weekday=2,
    )[0]
    this_week = CheckFactory(
        checklist=ChecklistFactory(owner=org.leader, date=date(2025, 5, 13)), item=weekly
    )
    last_week = CheckFactory(
        checklist=ChecklistFactory(owner=org.leader, date=date(2025, 5, 6)), item=weekly
    )
    client.force_login(org.leader)

    with mock.patch("django.utils.timezone.now", return_value=wednesday):
        page = client.get(url("my_standard_work")).content.decode()
        tick = client.post(url("check_tick", this_week.pk), **HTMX)

    assert "Still open this week and month" in page
    assert f'id="check-{this_week.pk}"' in page
    assert f'id="check-{last_week.pk}"' not in page
    assert "due Tue 13 May" in page
    assert tick.status_code == 200
    assert Check.objects.get(pk=this_week.pk).status == Check.Status.DONE


def test_notice_can_be_marked_read(client, org):
    notice = Notice.objects.create(
        recipient=org.leader,
        kind=Notice.Kind.REMINDER,
        date=timezone.now().date(),
        text="3 open items",
    )
    client.force_login(org.leader)
    assert f'id="notice-{notice.pk}"' in client.get(url("my_standard_work")).content.decode()

    response = client.post(url("notice_read", notice.pk), **HTMX)

    assert (response.status_code, response.content) == (200, b"")
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert f'id="notice-{notice.pk}"' not in client.get(url("my_standard_work")).content.decode()


# --- the verification board ---------------------------------------------------


def board_people(client) -> list[str]:
    response = client.get(url("verify_board"))
    assert response.status_code == 200
    return [row.person.username for row in response.context["rows"]]


def test_coordinator_sees_only_the_people_of_their_own_teams(client, org):
    client.force_login(org.coordinator)

    assert board_people(client) == ["leader1", "member1"]


def test_vsm_sees_coordinators_and_team_leaders_of_their_value_stream_only(client, org):
    client.force_login(org.vsm)

    assert board_people(client) == ["tc1", "tc2", "leader1", "leader2"]


def test_person_without_a_layer_below_gets_an_empty_board_not_a_refusal(client, org):
    client.force_login(org.member)

    response = client.get(url("verify_board"))

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "Nobody to verify" in response.content.decode()


def test_board_shows_each_item_red_green_or_grey_with_the_reason_of_a_miss(client, org):
    done, missed, _, _ = todays_checks(org.leader)
    services.check_tick(actor=org.leader, check_id=done.pk)
    services.check_mark_missed(
        actor=org.leader,
        check_id=missed.pk,
        reason=MissReason.objects.get(label="Forgot"),
        note="Back-to-back meetings",
    )
    client.force_login(org.coordinator)

    response = client.get(url("verify_board"))

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
    assert bad.context["day"] == services.person_today(org.coordinator)
    assert "Enter a valid date." in bad.content.decode()


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


@pytest.mark.parametrize("who", ["member", "other_coordinator", "far_vsm"])
def test_only_the_layer_above_may_confirm_a_day(client, org, who):
    checks = todays_checks(org.leader)
    before = [snapshot(check) for check in checks]
    client.force_login(getattr(org, who))

    response = client.post(url("checklist_confirm", checks[0].checklist_id))

    assert response.status_code == 403
    assert "You verify only the standard work of the layer below you." in (
        response.content.decode()
    )
    checklist = Checklist.objects.get(pk=checks[0].checklist_id)
    assert (checklist.verified_by, checklist.verified_at) == (None, None)
    assert [snapshot(check) for check in checks] == before
    assert CheckEvent.objects.count() == 0


def test_confirming_a_checklist_that_no_longer_exists_says_so(client, org):
    gone = todays_checks(org.leader)[0].checklist_id
    Checklist.objects.filter(pk=gone).delete()
    client.force_login(org.coordinator)

    inline = client.post(url("checklist_confirm", gone), **HTMX)
    plain = client.post(url("checklist_confirm", gone), follow=True)

    assert (inline.status_code, inline["HX-Refresh"]) == (200, "true")
    assert "That checklist no longer exists; reload the page." in plain.content.decode()
    assert CheckEvent.objects.count() == 0


def test_member_cannot_open_another_persons_checklist(client, org):
    checklist = todays_checks(org.leader)[0].checklist
    client.force_login(org.member)

    response = client.get(url("checklist_detail", checklist.pk))

    assert response.status_code == 403


def test_coordinator_opens_a_persons_checklist_with_its_actions(client, org):
    checklist = todays_checks(org.leader)[0].checklist
    client.force_login(org.coordinator)

    response = client.get(url("checklist_detail", checklist.pk))

    assert response.status_code == 200
    assert url("checklist_confirm", checklist.pk) in response.content.decode()


def test_member_cannot_ask_for_a_countermeasure_and_nothing_is_written(client, org):
    check = todays_checks(org.leader)[0]
    before = snapshot(check)
    client.force_login(org.member)

    response = client.post(url("check_request_countermeasure", check.pk), {"comment": "Why?"})

    assert response.status_code == 403
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
    response = client.get(url("verify_board"))
    (row,) = [row for row in response.context["rows"] if row.person.pk == check.checklist.owner_id]
    return {c.pk: c.colour for c in row.checks}[check.pk]


def test_countermeasure_asked_for_stays_red_until_the_owner_records_one(client, org):
    check = todays_checks(org.leader)[0]
    services.check_tick(actor=org.leader, check_id=check.pk)
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
    services.check_request_countermeasure(actor=org.coordinator, check_id=check.pk, comment="Why?")
    before, events = snapshot(check), CheckEvent.objects.count()
    client.force_login(org.leader)
    empty = client.post(
        url("check_record_countermeasure", check.pk), {"countermeasure": ""}, **HTMX
    )
    client.force_login(org.member)
    other = client.post(url("check_record_countermeasure", check.pk), {"countermeasure": "Mine"})

    assert empty.status_code == 200
    assert "Describe the countermeasure." in empty.content.decode()
    assert other.status_code == 403
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
    board = coordinator.get(url("verify_board")).content.decode()
    assert "History (5)" in board
    assert "Countermeasure asked for by Sofia Marchetti" in board


# --- query counts -------------------------------------------------------------

# Measured: GET my standard work 13 (one of them the open actions), POST tick 11,
# GET the board 15 (SQLite).
MY_PAGE_MAX = 13
TICK_MAX = 11
BOARD_MAX = 15


def _history(org, *, days: int = 365) -> None:
    """Working-day checklists before today for the leader, a member, their coordinator and
    another team's leader: a year of them in a few bulk inserts (well under a second)."""
    today = timezone.now().date()
    reason = MissReason.objects.order_by("pk").first()
    items = {
        org.leader: org.tl_items,
        org.other_leader: org.tl_items,
        org.member: org.member_items,
        org.coordinator: org.tc_items,
    }
    checklists = Checklist.objects.bulk_create(
        Checklist(owner=person, date=day, time_zone="UTC")
        for day in (today - timedelta(days=back) for back in range(1, days + 1))
        if day.isoweekday() <= 5
        for person in items
    )
    checks = []
    for n, checklist in enumerate(checklists):
        for position, item in enumerate(items[checklist.owner]):
            missed = (n + position) % 7 == 0
            checks.append(
                Check(
                    checklist=checklist,
                    item=item,
                    position=position,
                    status=Check.Status.MISSED if missed else Check.Status.DONE,
                    done_at=None if missed else timezone.now(),
                    actual_minutes=None if missed else item.expected_minutes,
                    miss_reason=reason if missed else None,
                    miss_note="Ran over" if missed else "",
                    verification=Check.Verification.COUNTERMEASURE_REQUESTED
                    if missed and n % 5 == 0
                    else Check.Verification.CONFIRMED,
                    verification_comment="Why?" if missed and n % 5 == 0 else "",
                    verified_by=org.coordinator,
                )
            )
    Check.objects.bulk_create(checks)
    CheckEvent.objects.bulk_create(
        CheckEvent(check_item=check, actor=check.checklist.owner, kind=CheckEvent.Kind.TICK)
        for check in checks
        if check.status == Check.Status.DONE
    )


def _queries(client, method: str, path: str, **extra) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, **extra)
    assert response.status_code in (200, 302)
    return len(queries)


def test_history_fixture_is_a_year_of_working_days(org):
    _history(org)

    days = Checklist.objects.filter(owner=org.leader).count()
    assert 259 <= days <= 262
    assert Check.objects.filter(checklist__owner=org.leader).count() == days * 4


def test_my_standard_work_page_queries_do_not_grow_with_a_year_of_history(
    client, org, django_assert_max_num_queries
):
    services.checklist_issue_today(user=org.leader)  # issued: opening the page only reads
    client.force_login(org.leader)
    one_day = _queries(client, "get", url("my_standard_work"))

    _history(org)
    with django_assert_max_num_queries(MY_PAGE_MAX):
        response = client.get(url("my_standard_work"))

    assert response.status_code == 200
    assert len(response.context["page"].countermeasures_requested) > 10
    assert _queries(client, "get", url("my_standard_work")) == one_day


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_tick_queries_do_not_grow_with_a_year_of_history(
    client, org, django_assert_max_num_queries, htmx
):
    checks = todays_checks(org.leader)
    client.force_login(org.leader)
    extra = HTMX if htmx else {}
    one_day = _queries(client, "post", url("check_tick", checks[0].pk), **extra)

    _history(org)
    with django_assert_max_num_queries(TICK_MAX):
        client.post(url("check_tick", checks[1].pk), **extra)

    assert _queries(client, "post", url("check_tick", checks[2].pk), **extra) == one_day


def test_verification_board_queries_do_not_grow_with_a_year_of_history(
    client, org, django_assert_max_num_queries
):
    for person in (org.leader, org.member):
        services.checklist_issue_today(user=person)
    client.force_login(org.coordinator)
    one_day = _queries(client, "get", url("verify_board"))

    _history(org)
    with django_assert_max_num_queries(BOARD_MAX):
        response = client.get(url("verify_board"))

    assert [len(row.checks) for row in response.context["rows"]] == [4, 1]
    assert _queries(client, "get", url("verify_board")) == one_day
