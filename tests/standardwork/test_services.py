"""Ticking, missing, undoing, verifying and countermeasures, with their history."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from standardwork.models import Check, CheckEvent, Checklist, MissReason, Notice
from standardwork.services import checklists as checklist_services
from standardwork.services import reminders as reminder_services
from standardwork.services import templates as template_services
from standardwork.services import verification as verification_services
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory
from tests.standardwork.conftest import at

pytestmark = pytest.mark.django_db

WEDNESDAY = at("2026-11-18 09:30")


@pytest.fixture
def checks(org, tl_template):
    checklist_services.checklists_issue_due(now=at("2026-11-18 07:00"))
    return list(Check.objects.filter(checklist__owner=org["leader"]).order_by("position"))


def state(check: Check) -> tuple:
    check.refresh_from_db()
    return (check.status, check.miss_reason_id, check.miss_reason_text, check.miss_note,
            check.verification, check.countermeasure)  # fmt: skip


def events(check: Check) -> list[tuple[str, str, str]]:
    return list(
        CheckEvent.objects.filter(check_item=check)
        .order_by("pk")
        .values_list("kind", "actor__username", "text")
    )


def test_tick_marks_done_with_expected_minutes_and_one_history_row(org, checks):
    check = checklist_services.check_tick(actor=org["leader"], check_id=checks[0].pk, now=WEDNESDAY)

    assert (check.status, check.actual_minutes, check.done_at) == ("done", 15, WEDNESDAY)
    assert events(check) == [("tick", "leader", "")]


def test_double_tap_is_one_check_and_one_history_row(org, checks):
    checklist_services.check_tick(actor=org["leader"], check_id=checks[0].pk, now=WEDNESDAY)
    checklist_services.check_tick(actor=org["leader"], check_id=checks[0].pk, now=WEDNESDAY)

    assert Check.objects.get(pk=checks[0].pk).status == "done"
    assert CheckEvent.objects.filter(check_item=checks[0]).count() == 1


def test_undo_reopens_on_the_same_day(org, checks):
    checklist_services.check_tick(actor=org["leader"], check_id=checks[0].pk, now=WEDNESDAY)

    check = checklist_services.check_undo(actor=org["leader"], check_id=checks[0].pk, now=WEDNESDAY)

    assert (check.status, check.done_at, check.actual_minutes) == ("open", None, None)
    assert [kind for kind, _, _ in events(check)] == ["tick", "undo"]


def test_undo_of_an_earlier_days_tick_is_refused(org, checks):
    checklist_services.check_tick(
        actor=org["leader"], check_id=checks[2].pk, now=WEDNESDAY
    )  # weekly item
    before = state(checks[2])

    with pytest.raises(ValidationError):
        checklist_services.check_undo(
            actor=org["leader"], check_id=checks[2].pk, now=at("2026-11-19 09:00")
        )

    assert state(checks[2]) == before
    assert CheckEvent.objects.count() == 1


def test_missed_needs_a_reason_and_a_note_and_writes_nothing_without(org, checks):
    before = state(checks[1])

    with pytest.raises(ValidationError) as error:
        checklist_services.check_mark_missed(
            actor=org["leader"], check_id=checks[1].pk, note="", reason=None, reason_text=" ",
            now=WEDNESDAY,
        )  # fmt: skip

    assert error.value.message_dict == {
        "reason": ["Choose a reason or type one."],
        "note": ["Say in a few words what happened."],
    }
    assert state(checks[1]) == before
    assert CheckEvent.objects.count() == 0


def test_missed_with_a_listed_reason(org, checks):
    reason = MissReason.objects.get(label="Urgent request from a customer")

    check = checklist_services.check_mark_missed(
        actor=org["leader"], check_id=checks[1].pk, reason=reason,
        note="Key account escalation all morning", now=WEDNESDAY,
    )  # fmt: skip

    assert (check.status, check.reason_label, check.miss_note) == (
        "missed", "Urgent request from a customer", "Key account escalation all morning",
    )  # fmt: skip
    assert events(check) == [
        ("miss", "leader", "Urgent request from a customer: Key account escalation all morning")
    ]


def test_missed_with_a_typed_reason_too_long_is_refused(org, checks):
    with pytest.raises(ValidationError) as error:
        checklist_services.check_mark_missed(
            actor=org["leader"], check_id=checks[1].pk, reason_text="x" * 121, note="n",
            now=WEDNESDAY,
        )  # fmt: skip

    assert list(error.value.message_dict) == ["miss_reason_text"]
    assert Check.objects.get(pk=checks[1].pk).status == "open"
    assert CheckEvent.objects.count() == 0


def test_a_member_does_not_find_their_leaders_item_to_tick(org, checks):
    before = state(checks[0])

    with pytest.raises(Http404, match="That item no longer exists; reload the page."):
        checklist_services.check_tick(actor=org["member"], check_id=checks[0].pk, now=WEDNESDAY)

    assert state(checks[0]) == before
    assert CheckEvent.objects.count() == 0


def test_the_coordinator_sees_a_leaders_item_but_cannot_tick_it(org, checks):
    before = state(checks[0])

    with pytest.raises(PermissionDenied, match="You can only change your own standard work."):
        checklist_services.check_tick(
            actor=org["coordinator"], check_id=checks[0].pk, now=WEDNESDAY
        )

    assert state(checks[0]) == before
    assert CheckEvent.objects.count() == 0


def test_an_item_of_another_day_cannot_be_ticked(org, checks):
    with pytest.raises(ValidationError) as error:
        checklist_services.check_tick(
            actor=org["leader"], check_id=checks[0].pk, now=at("2026-11-19 09:00")
        )

    assert error.value.messages == [
        "That item is from Wednesday 18 November; only today's can be changed."
    ]
    assert Check.objects.get(pk=checks[0].pk).status == "open"


def test_this_weeks_weekly_item_can_be_ticked_later_in_the_week(org, checks):
    check = checklist_services.check_tick(
        actor=org["leader"], check_id=checks[2].pk, now=at("2026-11-20 09:00")
    )

    assert check.status == "done"


def test_an_item_that_no_longer_exists_gives_a_clear_message(org, checks):
    gone = checks[0].pk
    Checklist.objects.filter(owner=org["leader"]).delete()

    with pytest.raises(
        checklist_services.CheckGone, match="That item no longer exists; reload the page."
    ):
        checklist_services.check_tick(actor=org["leader"], check_id=gone, now=WEDNESDAY)


def test_coordinator_confirms_a_leaders_day(org, checks):
    checklist_services.check_tick(actor=org["leader"], check_id=checks[0].pk, now=WEDNESDAY)

    checklist = verification_services.checklist_confirm(
        actor=org["coordinator"], checklist_id=checks[0].checklist_id
    )

    assert checklist.verified_by == org["coordinator"]
    assert set(
        Check.objects.filter(checklist=checklist).values_list("verification", flat=True)
    ) == {"confirmed"}
    assert [kind for kind, _, _ in events(checks[0])] == ["tick", "confirm"]


def test_kamishibai_item_stays_red_until_the_owner_records_a_countermeasure(org, checks):
    checklist_services.check_mark_missed(
        actor=org["leader"], check_id=checks[1].pk, reason_text="Ran out of time",
        note="Stand-up overran", now=WEDNESDAY,
    )  # fmt: skip

    requested = verification_services.check_request_countermeasure(
        actor=org["coordinator"], check_id=checks[1].pk, comment="Block 10 minutes after stand-up"
    )
    assert (requested.is_red, requested.is_green) == (True, False)
    verification_services.checklist_confirm(
        actor=org["coordinator"], checklist_id=checks[1].checklist_id
    )
    assert Check.objects.get(pk=checks[1].pk).is_red is True  # confirming does not clear it

    recorded = verification_services.check_record_countermeasure(
        actor=org["leader"], check_id=checks[1].pk, countermeasure="Calendar block 09:20-09:30"
    )

    assert (recorded.is_red, recorded.is_green) == (False, True)
    assert [(kind, actor) for kind, actor, _ in events(checks[1])] == [
        ("miss", "leader"), ("request", "coordinator"), ("record", "leader"),
    ]  # fmt: skip
    notice = Notice.objects.get(recipient=org["leader"], kind="countermeasure")
    assert notice.text == (
        f"{org['coordinator'].display_name} asks for a countermeasure on "
        '"Check call-list progress": Block 10 minutes after stand-up'
    )


def test_only_the_owner_records_a_countermeasure(org, checks):
    verification_services.check_request_countermeasure(
        actor=org["coordinator"], check_id=checks[1].pk, comment="Why?"
    )

    with pytest.raises(PermissionDenied):
        verification_services.check_record_countermeasure(
            actor=org["coordinator"], check_id=checks[1].pk, countermeasure="I'll do it"
        )

    assert Check.objects.get(pk=checks[1].pk).verification == "requested"


def test_countermeasure_request_needs_a_comment(org, checks):
    with pytest.raises(ValidationError):
        verification_services.check_request_countermeasure(
            actor=org["coordinator"], check_id=checks[1].pk, comment="  "
        )

    assert Check.objects.get(pk=checks[1].pk).verification == "none"
    assert Notice.objects.count() == 0


def test_a_coordinator_verifies_only_their_own_teams(org, checks):
    outsider = UserFactory(username="other_tc")
    TeamFactory(name="South", value_streams=[org["pumps"]], coordinator=outsider)

    with pytest.raises(Http404):
        verification_services.checklist_confirm(actor=outsider, checklist_id=checks[0].checklist_id)
    with pytest.raises(Http404):
        verification_services.check_request_countermeasure(
            actor=outsider, check_id=checks[0].pk, comment="x"
        )

    checklist = Checklist.objects.get(pk=checks[0].checklist_id)
    assert (checklist.verified_by_id, checklist.verified_at) == (None, None)
    assert CheckEvent.objects.count() == 0
    assert Notice.objects.count() == 0


def test_a_vsm_verifies_only_their_own_value_stream(org, checks):
    from tests.roles.factories import ValueStreamFactory

    other_vsm = ValueStreamFactory(name="Service").vsm

    with pytest.raises(Http404):
        verification_services.checklist_confirm(
            actor=other_vsm, checklist_id=checks[0].checklist_id
        )

    verification_services.checklist_confirm(actor=org["vsm"], checklist_id=checks[0].checklist_id)
    assert Checklist.objects.get(pk=checks[0].checklist_id).verified_by == org["vsm"]


def test_a_member_does_not_find_their_leaders_day_to_verify(org, checks):
    with pytest.raises(Http404):
        verification_services.checklist_confirm(
            actor=org["member"], checklist_id=checks[0].checklist_id
        )

    assert CheckEvent.objects.count() == 0


def test_the_owner_sees_their_own_day_but_cannot_confirm_it(org, checks):
    with pytest.raises(
        PermissionDenied, match="You verify only the standard work of the layer below you."
    ):
        verification_services.checklist_confirm(
            actor=org["leader"], checklist_id=checks[0].checklist_id
        )

    checklist = Checklist.objects.get(pk=checks[0].checklist_id)
    assert (checklist.verified_by_id, checklist.verified_at) == (None, None)
    assert CheckEvent.objects.count() == 0


def test_reminder_goes_once_a_day_after_three_in_the_afternoon_local(
    org, checks, django_capture_on_commit_callbacks
):
    org["leader"].email = "leader@example.com"
    org["leader"].save(update_fields=["email"])

    with django_capture_on_commit_callbacks(execute=True):
        assert (
            reminder_services.reminders_send_due(now=at("2026-11-18 14:59", "Europe/London")) == 0
        )
        assert (
            reminder_services.reminders_send_due(now=at("2026-11-18 15:00", "Europe/London")) == 1
        )
        assert (
            reminder_services.reminders_send_due(now=at("2026-11-18 16:00", "Europe/London")) == 0
        )

    assert [message.to for message in mail.outbox] == [["leader@example.com"]]
    assert mail.outbox[0].body.splitlines()[2] == "You have 3 open standard-work items today."
    assert list(
        Notice.objects.filter(kind="reminder").values_list("recipient__username", "date")
    ) == [("leader", date(2026, 11, 18))]


def test_no_reminder_when_everything_due_today_is_done(org, checks):
    for check in checks:
        checklist_services.check_tick(actor=org["leader"], check_id=check.pk, now=WEDNESDAY)

    assert reminder_services.reminders_send_due(now=at("2026-11-18 15:30", "Europe/London")) == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # New York on EST before 8 March 2026, EDT after: 15:00 local moves in UTC.
        ("2026-03-06 19:59", "2026-03-06 20:00"),
        ("2026-03-09 18:59", "2026-03-09 19:00"),
    ],
)
def test_reminder_time_is_local_across_the_dst_change(superuser, before, after):
    from roles.models import Layer
    from standardwork.services.templates import ItemSpec

    template_services.template_create(
        actor=superuser, name="TL", layer=Layer.TL, items=[ItemSpec("Stand-up")]
    )
    team = TeamFactory(time_zone="America/New_York", working_days=[1, 2, 3, 4, 5])
    MembershipFactory(team=team, role="leader", user=UserFactory(email="ny@example.com"))
    checklist_services.checklists_issue_due(now=at(before))

    assert reminder_services.reminders_send_due(now=at(before)) == 0
    assert reminder_services.reminders_send_due(now=at(after)) == 1
