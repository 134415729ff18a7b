"""The engine: each step exactly once, in the window, within the cap; sequences stop
on opt-out, reply, bounce and a meeting; calls wait while the caller is on leave."""

import re
import smtplib
import threading
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.db.models import Model
from django.db.models.sql.query import Query
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from standardwork.models import Absence, Action
from tests.valuestream.conftest import add_call, add_email, at, enroll, prospects
from valuestream.models import Enrollment, Holiday, SenderDay, SpendEntry, Step, StepExecution
from valuestream.services import campaigns as campaign_services
from valuestream.services import engine
from valuestream.services import prospects as prospect_services

pytestmark = pytest.mark.django_db

WEDNESDAY_TEN = "2026-11-25 10:00"
MARK_SENDING = re.compile(
    r"""UPDATE "valuestream_stepexecution" SET "status" = 'sending' WHERE "id" = \d+"""
)


def test_a_due_email_is_sent_once_with_merge_fields_and_an_unsubscribe_header(org, campaign):
    add_email(campaign, org["leader"])
    (prospect,) = prospects(org["team"], 1, first_name="Ada", company="Hydro Ltd")
    now = at(WEDNESDAY_TEN)
    enroll(campaign, [prospect], now)

    first = engine.campaign_steps_run_due(now=now)
    second = engine.campaign_steps_run_due(now=now + timedelta(minutes=1))

    assert (first.executed, second.executed) == (1, 0)
    (message,) = mail.outbox
    assert message.to == [prospect.email]
    assert message.subject == "Thanks for visiting, Ada"
    assert "Dear Ada at Hydro Ltd" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<http://127.0.0.1:8000/value-stream/unsubscribe/?t="
    )
    execution = StepExecution.objects.get()
    assert execution.status == StepExecution.Status.SENT
    enrollment = Enrollment.objects.get()
    assert (enrollment.status, enrollment.stop_reason) == ("finished", "completed")


def test_the_next_step_waits_its_business_days_at_the_window_opening(org, campaign, script):
    add_email(campaign, org["leader"])
    add_email(campaign, org["leader"], delay=2)
    (prospect,) = prospects(org["team"], 1, time_zone="America/New_York")
    friday = at("2026-11-27 15:00")  # 10:00 in New York
    enroll(campaign, [prospect], friday)

    engine.campaign_steps_run_due(now=friday)

    enrollment = Enrollment.objects.get()
    assert enrollment.next_step.position == 2
    assert enrollment.next_due_at == at("2026-12-01 09:00", "America/New_York")  # Tuesday


def test_an_email_due_outside_the_window_waits_for_it(org, campaign):
    add_email(campaign, org["leader"])
    (prospect,) = prospects(org["team"], 1, time_zone="America/New_York")
    now = at(WEDNESDAY_TEN)  # 05:00 in New York
    Enrollment.objects.create(
        campaign=campaign, prospect=prospect, next_step=campaign.steps.get(), next_due_at=now,
        enrolled_at=now,
    )  # fmt: skip

    result = engine.campaign_steps_run_due(now=now)

    assert (result.executed, result.rescheduled, mail.outbox) == (0, 1, [])
    assert Enrollment.objects.get().next_due_at == at("2026-11-25 14:00")
    assert engine.campaign_steps_run_due(now=at("2026-11-25 14:00")).executed == 1
    assert len(mail.outbox) == 1


def test_an_auto_responder_goes_at_once_even_outside_the_window(org, campaign):
    add_email(campaign, org["leader"], kind=Step.Kind.AUTO_RESPONDER)
    (prospect,) = prospects(org["team"], 1)
    saturday_night = at("2026-11-28 23:00")
    enroll(campaign, [prospect], saturday_night)

    assert engine.campaign_steps_run_due(now=saturday_night).executed == 1
    assert len(mail.outbox) == 1


def test_a_holiday_holds_the_step_to_the_next_business_day(org, campaign):
    Holiday.objects.create(date=date(2026, 11, 26), name="Company day")
    add_email(campaign, org["leader"])
    add_email(campaign, org["leader"], delay=1)
    (prospect,) = prospects(org["team"], 1)
    now = at(WEDNESDAY_TEN)
    enroll(campaign, [prospect], now)

    engine.campaign_steps_run_due(now=now)

    assert Enrollment.objects.get().next_due_at == at("2026-11-27 09:00")


def test_opt_out_stops_every_sequence_at_once(org, campaign):
    add_email(campaign, org["leader"])
    add_email(campaign, org["leader"], delay=1)
    other = campaign_services.campaign_create(
        actor=org["leader"], team=org["team"], value_stream=org["pumps"], name="Webinar",
        event_kind="webinar", event_name="Pumps 101", event_date=date(2026, 11, 12),
    )  # fmt: skip
    add_email(other, org["leader"], delay=3)
    (prospect,) = prospects(org["team"], 1)
    now = at(WEDNESDAY_TEN)
    enroll(campaign, [prospect], now)
    enroll(other, [prospect], now)
    engine.campaign_steps_run_due(now=now)

    prospect_services.prospect_opt_out(prospect=prospect, now=now)
    later = engine.campaign_steps_run_due(now=now + timedelta(days=7))

    assert later.executed == 0
    assert len(mail.outbox) == 1
    assert set(Enrollment.objects.values_list("status", "stop_reason")) == {
        ("stopped", "opted_out")
    }


def test_a_reply_stops_the_sequence(org, campaign):
    add_email(campaign, org["leader"])
    add_email(campaign, org["leader"], delay=1)
    (prospect,) = prospects(org["team"], 1)
    now = at(WEDNESDAY_TEN)
    enroll(campaign, [prospect], now)
    engine.campaign_steps_run_due(now=now)
    enrollment = Enrollment.objects.get()

    campaign_services.reply_record(actor=org["member"], enrollment_id=enrollment.pk)

    assert engine.campaign_steps_run_due(now=now + timedelta(days=7)).executed == 0
    assert len(mail.outbox) == 1
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.stop_reason) == ("stopped", "replied")


def test_a_claim_made_before_an_opt_out_is_not_sent(org, campaign, monkeypatch):
    add_email(campaign, org["leader"])
    (prospect,) = prospects(org["team"], 1)
    now = at(WEDNESDAY_TEN)
    enroll(campaign, [prospect], now)
    claim = engine._claim_batch

    def claim_then_opt_out(**kwargs):
        taken = claim(**kwargs)
        prospect_services.prospect_opt_out(prospect=prospect, now=now)
        return taken

    monkeypatch.setattr(engine, "_claim_batch", claim_then_opt_out)

    engine.campaign_steps_run_due(now=now)

    assert mail.outbox == []
    assert StepExecution.objects.get().status == StepExecution.Status.SKIPPED


@override_settings(VALUESTREAM_DAILY_EMAIL_CAP=3)
def test_the_daily_cap_per_sender_holds(org, campaign):
    add_email(campaign, org["leader"])
    people = prospects(org["team"], 5)
    now = at(WEDNESDAY_TEN)
    enroll(campaign, people, now)

    first = engine.campaign_steps_run_due(now=now)
    again = engine.campaign_steps_run_due(now=now + timedelta(hours=2))
    tomorrow = engine.campaign_steps_run_due(now=at("2026-11-26 09:00"))

    assert (first.executed, first.rescheduled) == (3, 2)
    assert again.executed == 0
    assert tomorrow.executed == 2
    assert len(mail.outbox) == 5


def test_a_crash_between_sending_and_recording_does_not_send_twice(org, campaign, monkeypatch):
    add_email(campaign, org["leader"])
    add_email(campaign, org["leader"], delay=1)
    (prospect,) = prospects(org["team"], 1)
    now = at(WEDNESDAY_TEN)
    enroll(campaign, [prospect], now)

    def crash(**kwargs):
        raise RuntimeError("worker lost after the send")

    monkeypatch.setattr(engine, "executions_record_sent", crash)
    with pytest.raises(RuntimeError):
        engine.campaign_steps_run_due(now=now)
    monkeypatch.undo()

    retry = engine.campaign_steps_run_due(now=now + timedelta(minutes=1))
    recovered = engine.campaign_steps_run_due(now=now + timedelta(minutes=11))

    assert len(mail.outbox) == 1
    assert retry.executed == 0
    assert StepExecution.objects.get().status == StepExecution.Status.UNCONFIRMED
    enrollment = Enrollment.objects.get()
    assert enrollment.next_step.position == 2
    assert enrollment.next_due_at == at("2026-11-26 09:00")
    assert recovered.executed == 0


def test_a_step_that_ran_before_is_not_sent_again_and_its_enrolment_moves_on(org, campaign):
    first = add_email(campaign, org["leader"])
    add_email(campaign, org["leader"], delay=1)
    ran, due = prospects(org["team"], 2)
    now = at(WEDNESDAY_TEN)
    enroll(campaign, [ran, due], now)
    enrollment = Enrollment.objects.get(prospect=ran)
    StepExecution.objects.create(
        enrollment=enrollment, step=first, status=StepExecution.Status.SENT,
        started_at=now - timedelta(hours=1),
    )  # fmt: skip

    result = engine.campaign_steps_run_due(now=now)

    assert result.executed == 1
    assert [message.to[0] for message in mail.outbox] == [due.email]
    enrollment.refresh_from_db()
    assert (enrollment.next_step.position, enrollment.next_due_at) == (2, at("2026-11-26 09:00"))
    assert StepExecution.objects.filter(enrollment=enrollment).count() == 1


def test_a_bounce_stops_the_sequence(org, campaign, monkeypatch):
    add_email(campaign, org["leader"])
    add_email(campaign, org["leader"], delay=1)
    (prospect,) = prospects(org["team"], 1)
    now = at(WEDNESDAY_TEN)
    enroll(campaign, [prospect], now)

    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({prospect.email: (550, b"No such user")})

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)

    engine.campaign_steps_run_due(now=now)

    prospect.refresh_from_db()
    assert prospect.bounced_at is not None
    enrollment = Enrollment.objects.get()
    assert (enrollment.status, enrollment.stop_reason) == ("stopped", "bounced")
    assert StepExecution.objects.get().status == StepExecution.Status.FAILED


def test_a_call_goes_to_the_callers_queue(org, campaign, script):
    add_call(campaign, org["leader"], script)
    (prospect,) = prospects(org["team"], 1)
    now = at(WEDNESDAY_TEN)
    enroll(campaign, [prospect], now)

    assert engine.campaign_steps_run_due(now=now).executed == 1

    execution = StepExecution.objects.get()
    assert (execution.status, execution.caller, execution.due_on) == (
        "call_due",
        org["member"],
        date(2026, 11, 25),
    )
    assert Enrollment.objects.get().next_due_at is None


def test_a_callers_calls_are_held_while_on_leave(org, campaign, script):
    add_call(campaign, org["leader"], script)
    people = prospects(org["team"], 3)
    now = at(WEDNESDAY_TEN)
    Absence.objects.create(
        person=org["member"], start_date=date(2026, 11, 24), end_date=date(2026, 11, 27)
    )
    enroll(campaign, people, now)

    held = engine.campaign_steps_run_due(now=now)

    assert (held.executed, held.rescheduled) == (0, 3)
    assert not StepExecution.objects.exists()
    assert set(Enrollment.objects.values_list("next_due_at", flat=True)) == {at("2026-11-30 09:00")}
    back = engine.campaign_steps_run_due(now=at("2026-11-30 09:00"))
    assert back.executed == 3
    assert set(StepExecution.objects.values_list("due_on", flat=True)) == {date(2026, 11, 30)}


def test_direct_mail_is_a_task_for_marketing_communication_with_its_cost(org, campaign):
    campaign_services.step_add(
        actor=org["leader"], campaign=campaign, kind=Step.Kind.DIRECT_MAIL,
        mail_item="the pump catalogue", mail_cost=Decimal("4.50"),
    )  # fmt: skip
    (prospect,) = prospects(org["team"], 1, first_name="Ada", last_name="King")
    now = at(WEDNESDAY_TEN)
    enroll(campaign, [prospect], now)

    engine.campaign_steps_run_due(now=now)
    engine.campaign_steps_run_due(now=now + timedelta(minutes=5))

    action = Action.objects.get()
    assert action.team == org["marcom"]
    assert action.owner == org["marcom_lead"]
    assert action.title.startswith("Post the pump catalogue to Ada King, Acme Pumps: 1 High Street")
    spend = SpendEntry.objects.get()
    assert (spend.program, spend.amount) == (campaign.program, Decimal("4.50"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks with SKIP LOCKED need PostgreSQL"
)
def test_two_workers_ticking_at_once_run_each_step_exactly_once(org, campaign):
    add_email(campaign, org["leader"])
    people = prospects(org["team"], 120)
    now = at(WEDNESDAY_TEN)
    enroll(campaign, people, now)
    barrier = threading.Barrier(2)
    errors, results = [], []

    def tick():
        try:
            barrier.wait(timeout=10)
            results.append(engine.campaign_steps_run_due(now=now, batch_size=10).executed)
        except Exception as error:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=tick) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    assert errors == []
    assert sum(results) == 120
    assert len(mail.outbox) == 120
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert StepExecution.objects.filter(status="sent").count() == 120


class WorkerDied(BaseException):
    """What SIGKILL looks like from inside: nothing after it runs (not an Exception)."""


class DyingBackend(locmem.EmailBackend):
    """locmem, but the worker dies at the third email: after the mail server took it
    (`DIES_AFTER_SEND`) or before."""

    sends = 0
    DIES_AFTER_SEND = True

    def send_messages(self, messages):
        DyingBackend.sends += 1
        if DyingBackend.sends == 3 and not DyingBackend.DIES_AFTER_SEND:
            raise WorkerDied
        count = super().send_messages(messages)
        if DyingBackend.sends == 3:
            raise WorkerDied
        return count


@pytest.mark.parametrize(
    ("dies_after_send", "emailed"), [(True, [0, 1, 2, 3, 4]), (False, [0, 1, 3, 4])]
)
def test_a_worker_dying_mid_batch_leaves_its_unsent_claims_to_the_next_tick(
    org, campaign, dies_after_send, emailed, monkeypatch
):
    add_email(campaign, org["leader"])
    people = prospects(org["team"], 5)
    now = at(WEDNESDAY_TEN)
    enroll(campaign, people, now)
    monkeypatch.setattr(DyingBackend, "sends", 0)
    monkeypatch.setattr(DyingBackend, "DIES_AFTER_SEND", dies_after_send)

    with pytest.raises(WorkerDied):
        engine.campaign_steps_run_due(now=now, email_backend=f"{__name__}.DyingBackend")
    too_soon = engine.campaign_steps_run_due(now=now + timedelta(minutes=9))
    recovered = engine.campaign_steps_run_due(now=now + timedelta(minutes=11))

    assert too_soon.executed == 0  # the claims might still be a live worker's
    assert recovered.executed == 2  # the two the dead worker never handed over
    # The one in flight is never sent twice: when it did not leave, it is the one lost.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(people[i].email for i in emailed)
    # Handed over before the worker died, not yet recorded: sent, not confirmed.
    statuses = dict(StepExecution.objects.values_list("enrollment__prospect__email", "status"))
    assert statuses == {
        people[0].email: "unconfirmed", people[1].email: "unconfirmed",
        people[2].email: "unconfirmed", people[3].email: "sent", people[4].email: "sent",
    }  # fmt: skip
    assert set(Enrollment.objects.values_list("status", flat=True)) == {"finished"}
    # The two claims given back no longer count against the sender's daily cap twice.
    assert SenderDay.objects.get().sent == 5


def test_a_batch_takes_one_small_write_per_email_and_the_same_queries_besides_for_any_size(
    org, campaign, monkeypatch
):
    add_email(campaign, org["leader"])
    now = at(WEDNESDAY_TEN)
    built, loaded = Counter(), Counter()
    get_compiler, from_db = Query.get_compiler, Model.from_db.__func__

    def counting_get_compiler(query, *args, **kwargs):
        built["ORM queries"] += 1
        return get_compiler(query, *args, **kwargs)

    def counting_from_db(cls, *args, **kwargs):
        loaded[cls.__name__] += 1
        return from_db(cls, *args, **kwargs)

    monkeypatch.setattr(Query, "get_compiler", counting_get_compiler)
    monkeypatch.setattr(Model, "from_db", classmethod(counting_from_db))

    def tick(count, when):
        enroll(campaign, prospects(org["team"], count), when)
        built.clear()
        loaded.clear()
        with CaptureQueriesContext(connection) as captured:
            assert engine.campaign_steps_run_due(now=when).executed == count
        statements = [query["sql"] for query in captured.captured_queries]
        marks = [sql for sql in statements if MARK_SENDING.match(sql)]
        return len(marks), len(statements) - len(marks), built["ORM queries"], Counter(loaded)

    marks_3, others_3, built_3, loaded_3 = tick(3, now)
    marks_12, others_12, built_12, loaded_12 = tick(12, now + timedelta(minutes=1))

    # The one write per email is its "sending" mark, the price of never sending twice...
    assert (marks_3, marks_12) == (3, 12)
    # ...and everything else a batch does (claim, read back, send, record, move on)
    # takes the same queries for 12 emails as for 3, none of them built per email...
    # (on PostgreSQL two more: asynchronous commit switched on for the marks, and off)
    assert others_12 == others_3 == (31 if connection.vendor == "postgresql" else 29)
    assert built_12 == built_3
    # ...and per email only its enrolment and prospect become objects, once (read by
    # the claim, used again to build the email and to move on); campaign, sender and
    # step once for the whole batch.
    assert loaded_12 - loaded_3 == Counter({"Enrollment": 9, "Prospect": 9})
    assert len(mail.outbox) == 15
