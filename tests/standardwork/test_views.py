"""My standard work, through its views.

The organisation (tests/standardwork/checklist_org.py) works every day of the
week in UTC, so a test can run on any weekday; a test that needs a particular
day freezes the clock.
"""

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from roles.models import Layer
from standardwork.models import (
    Action,
    Check,
    CheckEvent,
    Checklist,
    MissReason,
    Notice,
    TemplateItem,
)
from standardwork.services import checklists as checklist_services
from tests.standardwork import checklist_org
from tests.standardwork.checklist_org import (
    HTMX,
    TL_ITEMS,
    add_history,
    queries_of,
    snapshot,
    todays_checks,
    url,
)
from tests.standardwork.factories import CheckFactory, ChecklistFactory, template_with_items

pytestmark = pytest.mark.django_db

# The `org` fixture: the organisation these pages are tried on.
checklist_org = checklist_org.checklist_org

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
    checklist_services.check_mark_missed(
        actor=org.leader, check_id=check.pk, reason=reason, note="Sorry"
    )
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

    assert inline.startswith(f'<li id="check-{check.pk}"')  # the row alone, swapped whole
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


def _change_attempts(client, check) -> list:
    return [
        client.post(url("check_tick", check.pk), **HTMX),
        client.post(url("check_tick", check.pk)),
        client.post(url("check_undo", check.pk)),
        client.post(url("check_miss", check.pk), {"reason_text": "Forgot", "note": "x"}),
        client.get(url("check_miss", check.pk)),
        client.get(url("check_row", check.pk), **HTMX),
        client.get(url("check_row", check.pk)),
    ]


def test_someone_who_may_not_see_an_item_does_not_find_it_and_nothing_is_written(client, org):
    check = todays_checks(org.leader)[0]
    before = snapshot(check)
    client.force_login(org.member)  # a member sees only their own standard work

    responses = _change_attempts(client, check)

    assert [response.status_code for response in responses] == [404] * 7
    assert "That item no longer exists; reload the page." in responses[1].content.decode()
    assert snapshot(check) == before
    assert CheckEvent.objects.count() == 0


def test_the_coordinator_sees_a_leaders_item_but_may_not_change_it(client, org):
    check = todays_checks(org.leader)[0]
    before = snapshot(check)
    client.force_login(org.coordinator)

    responses = _change_attempts(client, check)

    assert [response.status_code for response in responses] == [403] * 7
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

    # Not found, as someone else's item is: an outsider cannot tell the two apart.
    assert (inline.status_code, inline["HX-Retarget"]) == (404, "#messages")
    assert inline.content.decode() == (
        '<ul class="messages"><li class="message error" role="alert">'
        "That item no longer exists; reload the page.</li></ul>"
    )
    assert plain.status_code == 404
    assert "That item no longer exists; reload the page." in plain.content.decode()
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


def test_my_standard_work_lists_no_notices_but_one_line_to_the_notices_page(client, org):
    today = timezone.now().date()
    notices = [
        Notice.objects.create(
            recipient=org.leader, kind=Notice.Kind.COUNTERMEASURE, date=today, text=f"Notice {n}"
        )
        for n in range(11)
    ]
    Notice.objects.create(
        recipient=org.leader,
        kind=Notice.Kind.REMINDER,
        date=today,
        text="Old",
        read_at=timezone.now(),
    )
    client.force_login(org.leader)

    html = client.get(url("my_standard_work")).content.decode()

    assert not [notice for notice in notices if f'id="notice-{notice.pk}"' in html]
    assert (
        f'<p class="sw-notices-line"><a href="{url("notices")}">11 unread notices →</a></p>' in html
    )
    assert 'class="sw-notices"' not in html


def test_my_standard_work_without_unread_notices_has_no_notices_line(client, org):
    client.force_login(org.leader)

    html = client.get(url("my_standard_work")).content.decode()

    assert "sw-notices-line" not in html


# --- the verification board ---------------------------------------------------


def _open_actions(org, count: int) -> list[Action]:
    today = timezone.now().date()
    return Action.objects.bulk_create(
        Action(
            team=org.team,
            owner=org.leader,
            title=f"Action {n:03}",
            due_date=today + timedelta(days=n),
        )
        for n in range(count)
    )


def test_my_standard_work_lists_the_first_ten_open_actions_and_links_to_all(client, org):
    actions = _open_actions(org, 25)
    client.force_login(org.leader)

    first = client.get(url("my_standard_work"))
    every = client.get(url("my_standard_work"), {"actions": "all"})

    assert [a.pk for a in first.context["my_actions"]] == [a.pk for a in actions[:10]]
    page = first.content.decode()
    assert "Showing the 10 due soonest of 25 open actions." in page
    assert 'href="?actions=all#my-actions">Show all 25</a>' in page
    assert "Action 010" not in page
    assert [a.pk for a in every.context["my_actions"]] == [a.pk for a in actions]
    assert "Show all" not in every.content.decode()


def test_ten_open_actions_or_fewer_need_no_link_to_all(client, org):
    _open_actions(org, 10)
    client.force_login(org.leader)

    response = client.get(url("my_standard_work"))

    assert len(response.context["my_actions"]) == 10
    assert "Show all" not in response.content.decode()


# --- query counts -------------------------------------------------------------

# Measured: GET my standard work 13 (one of them the open actions), POST tick 11 (SQLite).
MY_PAGE_MAX = 13
TICK_MAX = 11


def test_history_fixture_is_a_year_of_working_days(org):
    add_history(org)

    days = Checklist.objects.filter(owner=org.leader).count()
    assert 259 <= days <= 262
    assert Check.objects.filter(checklist__owner=org.leader).count() == days * 4


def test_my_standard_work_page_queries_do_not_grow_with_a_year_of_history(
    client, org, django_assert_max_num_queries
):
    checklist_services.checklist_issue_today(user=org.leader)  # issued: opening the page only reads
    client.force_login(org.leader)
    one_day = queries_of(client, "get", url("my_standard_work"))

    add_history(org)
    with django_assert_max_num_queries(MY_PAGE_MAX):
        response = client.get(url("my_standard_work"))

    assert response.status_code == 200
    assert len(response.context["page"].countermeasures_requested) > 10
    assert queries_of(client, "get", url("my_standard_work")) == one_day


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_tick_queries_do_not_grow_with_a_year_of_history(
    client, org, django_assert_max_num_queries, htmx
):
    checks = todays_checks(org.leader)
    client.force_login(org.leader)
    extra = HTMX if htmx else {}
    one_day = queries_of(client, "post", url("check_tick", checks[0].pk), **extra)

    add_history(org)
    with django_assert_max_num_queries(TICK_MAX):
        client.post(url("check_tick", checks[1].pk), **extra)

    assert queries_of(client, "post", url("check_tick", checks[2].pk), **extra) == one_day
