"""The campaign engine: the beat tick that executes the steps that are due.

`campaign_steps_run_due` is idempotent and safe to run on several workers at
once. Each batch of due enrolments is taken with
`select_for_update(skip_locked=True)`, so two workers never hold the same
row. For an email the batch writes a StepExecution (unique per enrolment and
step) *claimed*, and takes the enrolment off the queue, and commits. Then each
email in turn is marked *sending* (one small write, committed asynchronously)
and handed to the mail server; when the batch is done its emails are recorded
as *sent* and the enrolments move on, in one transaction. A worker that dies
mid-batch (SIGKILL, a lost machine) leaves its handed-over emails *sending* and
the rest *claimed*; after STALE_CLAIM the next tick gives the claims back to the
queue (they are sent then: none lost) and records the *sending* ones as
sent-unconfirmed (they left, or the one in flight may have: never sent twice),
moving their enrolments on. Calls wait in the caller's queue (held
while the caller is on leave); direct mail becomes an action for Marketing
Communication with its cost recorded.
"""

import contextlib
import functools
import logging
import smtplib
import time
import zoneinfo
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import DatabaseError, IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from roles.models import Membership, Team
from standardwork.models import Absence, Action
from standardwork.services import followup
from valuestream import schedule
from valuestream.models import Enrollment, SenderDay, Step, StepExecution
from valuestream.services import campaigns as campaign_services
from valuestream.services import economics, prospects

log = logging.getLogger(__name__)

BATCH_SIZE = 200
STALE_CLAIM = timedelta(minutes=10)  # the default of settings.VALUESTREAM_STALE_CLAIM_SECONDS
RETRY_AFTER = timedelta(minutes=5)
CLAIMS_PER_INSERT = 1000  # 5 parameters a row: well under SQLite's and PostgreSQL's limits


def stale_claim() -> timedelta:
    """How old a claim is before its worker counts as gone: longer than any batch takes."""
    seconds = getattr(settings, "VALUESTREAM_STALE_CLAIM_SECONDS", None)
    return STALE_CLAIM if seconds is None else timedelta(seconds=seconds)


def daily_cap() -> int:
    return getattr(settings, "VALUESTREAM_DAILY_EMAIL_CAP", 300)


@dataclass
class TickResult:
    executed: int = 0  # steps run: emails sent, calls queued, direct mail handed over
    rescheduled: int = 0  # outside the window, over the cap, caller on leave
    stopped: int = 0  # opted out or bounced before the step


def campaign_steps_run_due(
    *,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
    campaign_id: int | None = None,
    email_backend: str | None = None,
    on_batch: Callable[[int, float], None] | None = None,
) -> TickResult:
    """Run every step due at `now` (default: now), batch by batch, each exactly once.

    Emails go through Django's mail backend (`email_backend`, default the setting's).
    `on_batch(taken, seconds)` hears of each batch (the benchmark times them).
    """
    now = now or timezone.now()
    holidays = campaign_services.holiday_dates()
    result = TickResult()
    _recover_stale_claims(now=now, holidays=holidays, result=result)
    connection = get_connection(email_backend)
    try:
        while True:
            started = time.perf_counter()
            taken, claimed = _claim_batch(
                now=now, holidays=holidays, batch_size=batch_size, campaign_id=campaign_id,
                result=result,
            )  # fmt: skip
            if claimed:
                result.executed += _send_batch(
                    claimed, now=now, holidays=holidays, connection=connection
                )
            if on_batch is not None and taken:
                on_batch(taken, time.perf_counter() - started)
            # Every enrolment taken left the queue or is due later; a next step due at
            # once (no delay) is taken by the next batch. Stop when none is due.
            if taken == 0:
                break
    finally:
        connection.close()
    return result


# --- phase 1: take a batch, claim emails, run calls and direct mail -------------------


def _due(now: datetime, campaign_id: int | None):
    due = Enrollment.objects.filter(
        status=Enrollment.Status.ACTIVE, next_due_at__lte=now, campaign__status="active"
    )
    if campaign_id is not None:
        due = due.filter(campaign_id=campaign_id)
    return due


def _claim_batch(
    *, now, holidays, batch_size: int, campaign_id: int | None, result: TickResult
) -> tuple[int, list[tuple[int, Enrollment]]]:
    with transaction.atomic():
        batch = list(
            _due(now, campaign_id)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("prospect")
            # One campaign, team, sender and step object each, shared by the batch's
            # rows (and used again to build its emails).
            .prefetch_related("campaign__team", "campaign__sender", "next_step")
            .order_by("next_due_at", "pk")[:batch_size]
        )
        if not batch:
            return 0, []
        leave = _callers_on_leave(batch, now)
        senders: dict[int, SenderDay] = {}
        # Sender rows are locked in one order by every worker: no deadlock.
        claims: list[Enrollment] = []
        for enrollment in sorted(batch, key=lambda e: (e.campaign.sender_id, e.pk)):
            outcome = _take(enrollment, now=now, holidays=holidays, leave=leave, senders=senders)
            if outcome == "claim":
                claims.append(enrollment)
            elif outcome == "executed":
                result.executed += 1
            elif outcome == "stopped":
                result.stopped += 1
            else:
                result.rescheduled += 1
        claimed = _claims_write(claims, now=now, holidays=holidays)
        for sender_day in senders.values():
            sender_day.save(update_fields=["sent"])
    return len(batch), claimed


def _claims_write(claims: list[Enrollment], *, now, holidays) -> list[tuple[int, Enrollment]]:
    """Claim the batch's emails: one StepExecution each (unique per enrolment and step),
    and the enrolments off the queue, in two queries; (execution id, enrolment) in
    the order they will be sent. A claim that exists already (the step ran before) is
    never sent again: that enrolment goes on to its next step."""
    if not claims:
        return []
    mine = _claims_insert(claims, now=now)
    Enrollment.objects.filter(pk__in=list(mine)).update(next_due_at=None)
    for enrollment in claims:
        if enrollment.pk not in mine:
            _already_run(enrollment, enrollment.next_step, now, holidays)
    return sorted((mine[e.pk], e) for e in claims if e.pk in mine)


def _claims_insert(claims: list[Enrollment], *, now) -> dict[int, int]:
    """Insert a claimed StepExecution for each enrolment's next step, skipping those
    that exist; {enrolment id: execution id} of the rows this insert wrote. One
    statement per CLAIMS_PER_INSERT (PostgreSQL and SQLite both return what an ON
    CONFLICT DO NOTHING insert wrote; Django's bulk_create does not, and builds an
    object per row to say so)."""
    quote = db_connection.ops.quote_name
    columns = ("enrollment_id", "step_id", "status", "started_at", "detail")
    started_at = db_connection.ops.adapt_datetimefield_value(now)
    row = f"({', '.join(['%s'] * len(columns))})"
    mine: dict[int, int] = {}
    with db_connection.cursor() as cursor:
        for start in range(0, len(claims), CLAIMS_PER_INSERT):
            chunk = claims[start : start + CLAIMS_PER_INSERT]
            params: list = []
            for enrollment in chunk:
                params += [enrollment.pk, enrollment.next_step_id,
                           StepExecution.Status.CLAIMED, started_at, ""]  # fmt: skip
            cursor.execute(
                f"INSERT INTO {quote(StepExecution._meta.db_table)} "
                f"({', '.join(quote(column) for column in columns)}) "
                f"VALUES {', '.join([row] * len(chunk))} "
                f"ON CONFLICT DO NOTHING RETURNING {quote('enrollment_id')}, {quote('id')}",
                params,
            )
            mine.update(cursor.fetchall())
    return mine


def _reschedule(enrollment: Enrollment, when: datetime) -> str:
    enrollment.next_due_at = when
    enrollment.save(update_fields=["next_due_at"])
    return "rescheduled"


def _take(enrollment: Enrollment, *, now, holidays, leave, senders) -> str:
    """One due enrolment, its row locked: what happens to it ("claim": an email to send)."""
    step, prospect, campaign = enrollment.next_step, enrollment.prospect, enrollment.campaign
    if step is None:
        enrollment.next_due_at = None
        enrollment.save(update_fields=["next_due_at"])
        return "rescheduled"
    if prospect.opted_out_at or prospect.bounced_at:
        reason = (
            Enrollment.StopReason.OPTED_OUT
            if prospect.opted_out_at
            else Enrollment.StopReason.BOUNCED
        )
        campaign_services.enrollments_stop(
            enrollments=Enrollment.objects.filter(pk=enrollment.pk), reason=reason, now=now
        )
        return "stopped"
    window = {
        "zone": prospect.time_zone,
        "start": campaign.send_window_start,
        "end": campaign.send_window_end,
        "holidays": holidays,
    }
    if step.is_email:
        if step.kind == Step.Kind.EMAIL and not schedule.in_send_window(now, **window):
            return _reschedule(enrollment, schedule.next_send_time(now, **window))
        sender_day = _sender_day(campaign.sender_id, now, senders)
        if sender_day.sent >= daily_cap():
            tomorrow = schedule.add_business_days(
                now.astimezone(zoneinfo.ZoneInfo(prospect.time_zone)).date(), 1, holidays
            )
            return _reschedule(
                enrollment, schedule.window_opening(tomorrow, campaign.send_window_start,
                                                    prospect.time_zone)
            )  # fmt: skip
        sender_day.sent += 1
        return "claim"  # written for the whole batch at once (_claims_write)
    if step.kind == Step.Kind.CALL:
        team = campaign.team
        today = now.astimezone(team.zone).date()
        back = leave.get(enrollment.caller_id)
        if back is not None:
            # Held, not piled up: due again on the caller's first business day back.
            return _reschedule(
                enrollment,
                schedule.window_opening(
                    schedule.next_business_day(back, holidays), campaign.send_window_start,
                    prospect.time_zone,
                ),
            )  # fmt: skip
        execution = _execution_create(
            enrollment, step, StepExecution.Status.CALL_DUE, now, caller_id=enrollment.caller_id,
            due_on=today,
        )  # fmt: skip
        if execution is None:
            return _already_run(enrollment, step, now, holidays)
        enrollment.next_due_at = None
        enrollment.save(update_fields=["next_due_at"])
        return "executed"
    # Direct mail: a task for Marketing Communication, its cost recorded.
    execution = _execution_create(enrollment, step, StepExecution.Status.DONE, now)
    if execution is not None:
        _direct_mail_hand_over(execution, enrollment, step, now)
    campaign_services.enrollment_advance(
        enrollment=enrollment, after=step, at=now, holidays=holidays
    )
    return "executed"


def _already_run(enrollment: Enrollment, step: Step, now, holidays) -> str:
    """The step ran for this enrolment before: never again; go on to the next."""
    campaign_services.enrollment_advance(
        enrollment=enrollment, after=step, at=now, holidays=holidays
    )
    return "rescheduled"


def _execution_create(enrollment, step, status, now, **extra) -> StepExecution | None:
    """The step's one execution for this enrolment, or None when it exists already."""
    execution = StepExecution(
        enrollment=enrollment, step=step, status=status, started_at=now,
        finished_at=now if status == StepExecution.Status.DONE else None, **extra,
    )  # fmt: skip
    try:
        with transaction.atomic():
            execution.save()
    except IntegrityError:
        return None
    return execution


def _sender_day(sender_id: int, now: datetime, senders: dict[int, SenderDay]) -> SenderDay:
    if sender_id not in senders:
        day = now.astimezone(zoneinfo.ZoneInfo("UTC")).date()
        SenderDay.objects.bulk_create(
            [SenderDay(sender_id=sender_id, day=day)], ignore_conflicts=True
        )
        senders[sender_id] = SenderDay.objects.select_for_update().get(sender_id=sender_id, day=day)
    return senders[sender_id]


def _callers_on_leave(batch: list[Enrollment], now: datetime) -> dict[int, date]:
    """Callers of the batch's call steps on leave today (their team's date): the day after
    their leave ends."""
    callers = {e.caller_id for e in batch if e.next_step and e.next_step.kind == Step.Kind.CALL} - {
        None
    }
    if not callers:
        return {}
    days = {e.campaign.team.zone: now.astimezone(e.campaign.team.zone).date() for e in batch}
    earliest, latest = min(days.values()), max(days.values())
    back: dict[int, date] = {}
    for absence in Absence.objects.filter(
        person_id__in=callers, start_date__lte=latest, end_date__gte=earliest
    ).order_by("end_date"):
        back[absence.person_id] = max(back.get(absence.person_id, date.min),
                                      absence.end_date + timedelta(days=1))  # fmt: skip
    return back


def _direct_mail_hand_over(execution, enrollment, step, now) -> None:
    campaign, prospect = enrollment.campaign, enrollment.prospect
    marcom = Team.objects.filter(kind=Team.Kind.MARKETING_COMMUNICATION).first()
    lead = (
        Membership.objects.filter(team=marcom, role=Membership.Role.LEADER).select_related("user")
        .first()
        if marcom is not None
        else None
    )  # fmt: skip
    if lead is not None:
        where = " ".join(prospect.address.split()) or "address missing"
        team = Team.objects.prefetch_related("memberships", "value_streams").get(pk=marcom.pk)
        followup.action_create(
            actor=lead.user,
            team=team,
            title=f"Post {step.mail_item} to {prospect.name or prospect.email}, "
            f"{prospect.company}: {where}"[:200],
            owner=lead.user,
            due_date=now.astimezone(team.zone).date(),
            source=Action.Source.OTHER,
            now=now,
        )
    if step.mail_cost:
        economics.spend_record(
            program=campaign.program,
            spent_on=now.date(),
            amount=step.mail_cost,
            description=f"Direct mail: {step.mail_item} ({campaign.name})",
            source=f"execution:{execution.pk}",
        )


# --- phase 2: send a claimed email, then record it -------------------------------------


@functools.cache
def _unsubscribe_base(site_url: str) -> str:
    return f"{site_url.rstrip('/')}{reverse('valuestream:unsubscribe')}?t="


def unsubscribe_url(prospect) -> str:
    site_url = getattr(settings, "SITE_URL", "http://127.0.0.1:8000")
    return _unsubscribe_base(site_url) + prospects.unsubscribe_token(prospect)


def email_build(*, execution_id: int, enrollment: Enrollment, step: Step) -> EmailMessage:
    """The email of `step` for this enrolment (its prospect, campaign and the campaign's
    sender loaded)."""
    prospect, campaign = enrollment.prospect, enrollment.campaign
    sender = campaign.sender
    url = unsubscribe_url(prospect)
    body = campaign_services.merge(step.body, prospect=prospect, campaign=campaign)
    body += f"\n\n--\nNo more emails from us: {url}\n"
    from_email = (
        f"{sender.display_name} <{sender.email}>" if sender.email else settings.DEFAULT_FROM_EMAIL
    )
    return EmailMessage(
        subject=campaign_services.merge(step.subject, prospect=prospect, campaign=campaign),
        body=body,
        from_email=from_email,
        to=[prospect.email],
        headers={
            # RFC 8058: one click in the mail client unsubscribes, by a POST to this URL.
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-LeanOps-Execution": str(execution_id),
        },
    )


def _send_batch(claimed: list[tuple[int, Enrollment]], *, now, holidays, connection) -> int:
    """Send a batch's claimed emails one by one, each marked "sending" before it is
    handed over, then record them as sent and move the enrolments on in one
    transaction. The messages are built from the enrolments the claim read (their
    prospect, campaign, sender and step); what may have changed since the claim
    committed is read back in one query, and an email is sent only if its claim still
    stands and its prospect is still in the sequence and reachable (an opt-out or a
    reply in between stops it)."""
    still = {
        execution_id: enrollment_status == Enrollment.Status.ACTIVE
        and opted_out_at is None
        and bounced_at is None
        for execution_id, enrollment_status, opted_out_at, bounced_at in StepExecution.objects
        .filter(pk__in=[execution_id for execution_id, _ in claimed],
                status=StepExecution.Status.CLAIMED)
        .values_list("pk", "enrollment__status", "enrollment__prospect__opted_out_at",
                     "enrollment__prospect__bounced_at")
    }  # fmt: skip
    sent, left = [], []
    with _marks_committed_asynchronously(), db_connection.cursor() as cursor:
        for execution_id, enrollment in claimed:
            if execution_id not in still:
                continue  # given back meanwhile (a recovery): not this batch's any more
            if not still[execution_id]:
                left.append(execution_id)
            elif _send_one(execution_id, enrollment, now=now, connection=connection,
                           cursor=cursor):  # fmt: skip
                sent.append(execution_id)
    if left:
        StepExecution.objects.filter(pk__in=left, status=StepExecution.Status.CLAIMED).update(
            status=StepExecution.Status.SKIPPED, finished_at=now, detail="Left the sequence."
        )
    if sent:
        # "sending" until here: recorded as sent together, in one transaction.
        executions_record_sent(
            execution_ids=sent, now=now, holidays=holidays,
            enrollments={enrollment.pk: enrollment for _, enrollment in claimed},
        )  # fmt: skip
    return len(sent)


@contextlib.contextmanager
def _marks_committed_asynchronously():
    """A commit per email would wait for the disk each time (~1.6 ms on PostgreSQL
    here): too slow for a thousand emails a second. The marks are about a *worker* that
    dies, which asynchronous commit loses nothing of; only a crash of PostgreSQL itself
    may lose its last fraction of a second of them (those emails are then sent again
    after STALE_CLAIM)."""
    if db_connection.vendor != "postgresql":
        yield
        return
    with db_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        # A connection that broke meanwhile is discarded anyway (CONN_HEALTH_CHECKS).
        with contextlib.suppress(DatabaseError), db_connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


@functools.cache
def _mark_sending_sql() -> str:
    quote = db_connection.ops.quote_name
    return (
        f"UPDATE {quote(StepExecution._meta.db_table)} SET {quote('status')} = %s "
        f"WHERE {quote('id')} = %s AND {quote('status')} = %s"
    )


def _mark_sending(cursor, execution_id: int) -> bool:
    """Mark an email "sending" before it is handed over (one small write per email);
    False when its claim was given back meanwhile (a recovery: this batch outlived
    STALE_CLAIM). Plain SQL on the batch's one cursor: building the ORM's UPDATE for
    each email cost more than the database's work."""
    cursor.execute(
        _mark_sending_sql(),
        [StepExecution.Status.SENDING, execution_id, StepExecution.Status.CLAIMED],
    )
    return cursor.rowcount == 1


def _send_one(execution_id: int, enrollment: Enrollment, *, now, connection, cursor) -> bool:
    """Hand one claimed email to the mail server; True when it left."""
    message = email_build(execution_id=execution_id, enrollment=enrollment,
                          step=enrollment.next_step)  # fmt: skip
    # From here it is sent or in flight: a worker that dies before the batch is recorded
    # leaves it "sending", which recovery records as sent-unconfirmed, never sends
    # again; its claims not yet "sending" were never handed over, and are sent then.
    if not _mark_sending(cursor, execution_id):
        return False
    try:
        connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused:
        StepExecution.objects.filter(pk=execution_id).update(
            status=StepExecution.Status.FAILED, finished_at=now, detail="The address bounced."
        )
        prospects.prospect_bounce(prospect_id=enrollment.prospect_id, now=now)
        return False
    except (smtplib.SMTPException, OSError) as error:
        # Not sent: give the claim back and try again in a few minutes.
        log.warning("Campaign email %s not sent: %s", execution_id, error)
        with transaction.atomic():
            StepExecution.objects.filter(pk=execution_id).delete()
            Enrollment.objects.filter(pk=enrollment.pk, status=Enrollment.Status.ACTIVE).update(
                next_due_at=now + RETRY_AFTER
            )
        return False
    return True


@transaction.atomic
def executions_record_sent(
    *,
    execution_ids: list[int],
    now: datetime,
    holidays: Collection[date],
    status: str = StepExecution.Status.SENT,
    enrollments: Mapping[int, Enrollment] | None = None,
) -> None:
    """The emails left (or may have): an email still "sending" is recorded as `status`,
    and each enrolment still at that step moves on to its next one, holding the
    enrolments' row locks. Recording the same emails twice moves them on once.

    `enrollments` (by id, their campaign and prospect loaded), when the caller has
    them: only their status and step are read again, under the lock."""
    done: dict[int, tuple[int, int]] = {
        enrollment_id: (execution_id, step_id)
        for execution_id, enrollment_id, step_id in StepExecution.objects.filter(
            pk__in=execution_ids,
            status__in=[
                StepExecution.Status.SENDING,
                StepExecution.Status.SENT,
                StepExecution.Status.UNCONFIRMED,
            ],
        ).values_list("pk", "enrollment_id", "step_id")
    }
    if not done:
        return
    locked = (
        Enrollment.objects.select_for_update(of=("self",)).filter(pk__in=list(done)).order_by("pk")
    )
    if enrollments is None:
        enrollments = {
            enrollment.pk: enrollment
            for enrollment in locked.select_related("prospect").prefetch_related("campaign")
        }
        current = [(e.pk, e.status, e.next_step_id) for e in enrollments.values()]
    else:
        current = list(locked.values_list("pk", "status", "next_step_id"))
    steps = Step.objects.in_bulk({step_id for _, step_id in done.values()})
    StepExecution.objects.filter(
        pk__in=[execution_id for execution_id, _ in done.values()],
        status=StepExecution.Status.SENDING,
    ).update(status=status, finished_at=now)
    campaign_services.enrollments_advance(
        pairs=[
            (enrollments[pk], steps[done[pk][1]])
            for pk, enrollment_status, next_step_id in current
            if enrollment_status == Enrollment.Status.ACTIVE and next_step_id == done[pk][1]
        ],
        at=now,
        holidays=holidays,
    )


def _recover_stale_claims(*, now, holidays, result: TickResult) -> None:
    """What a worker that died mid-batch left behind (older than STALE_CLAIM):

    - claims it never handed to the mail server go back to the queue: this tick sends them;
    - the emails it handed over ("sending": sent, or in flight and may have left) are
      never sent again: recorded as sent-unconfirmed, and the enrolments move on.
    """
    cutoff = now - stale_claim()
    with transaction.atomic():
        # Locked, so a live (slow) worker cannot mark one "sending" while it goes back.
        never_sent = list(
            StepExecution.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=StepExecution.Status.CLAIMED, started_at__lt=cutoff)
            .values_list("pk", "enrollment_id", "enrollment__campaign__sender_id", "started_at")[
                :BATCH_SIZE
            ]
        )
        if never_sent:
            StepExecution.objects.filter(pk__in=[row[0] for row in never_sent]).delete()
            Enrollment.objects.filter(
                pk__in=[row[1] for row in never_sent],
                status=Enrollment.Status.ACTIVE,
                next_due_at__isnull=True,
            ).update(next_due_at=now)
            # Each claim counted against its sender's daily cap (_take); claimed again,
            # it counts again, so the dead worker's count goes back.
            released = Counter((row[2], row[3].astimezone(UTC).date()) for row in never_sent)
            for (sender_id, day), count in released.items():
                SenderDay.objects.filter(sender_id=sender_id, day=day, sent__gte=count).update(
                    sent=F("sent") - count
                )
            log.warning(
                "%d campaign emails claimed by a worker that is gone go back to the queue",
                len(never_sent),
            )
    in_flight = list(
        StepExecution.objects.filter(
            status=StepExecution.Status.SENDING, started_at__lt=cutoff
        ).values_list("pk", flat=True)[:BATCH_SIZE]
    )
    if in_flight:
        log.warning(
            "%d campaign emails were handed over when their worker died: recorded as "
            "sent-unconfirmed, never sent again",
            len(in_flight),
        )
        executions_record_sent(
            execution_ids=in_flight, now=now, holidays=holidays,
            status=StepExecution.Status.UNCONFIRMED,
        )  # fmt: skip
