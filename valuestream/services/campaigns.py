"""Campaigns, their steps and scripts, enrolments and how an enrolment ends."""

import re
import zoneinfo
from collections.abc import Collection, Iterable
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from roles import policy as organisation
from roles.models import Membership, Team, User, ValueStream
from valuestream import policy, schedule
from valuestream.models import (
    CallScript,
    Campaign,
    Enrollment,
    Holiday,
    Program,
    Prospect,
    ScriptVersion,
    Step,
    StepExecution,
)
from valuestream.services import economics

MERGE_FIELD = re.compile(r"\{\{\s*(\w+)\s*\}\}")
MERGE_FIELDS = ("first_name", "last_name", "name", "company", "email", "event_name")


def holiday_dates() -> frozenset[date]:
    return frozenset(Holiday.objects.values_list("date", flat=True))


def merge(text: str, *, prospect: Prospect, campaign: Campaign) -> str:
    """Fill {{first_name}}, {{company}}, ... in `text`; unknown fields are left as typed."""
    values = {
        "first_name": prospect.first_name or "there",
        "last_name": prospect.last_name,
        "name": prospect.name or prospect.email,
        "company": prospect.company or "your company",
        "email": prospect.email,
        "event_name": campaign.event_name,
    }
    return MERGE_FIELD.sub(lambda match: values.get(match[1], match[0]), text)


def step_due_at(
    *,
    campaign: Campaign,
    step: Step,
    prospect: Prospect,
    previous: datetime,
    holidays: Collection[date],
) -> datetime:
    """When `step` falls due after `previous` (the enrolment or the step before):
    an auto-responder at once, any other step at the opening of the send window
    `delay_business_days` business days later in the prospect's time zone."""
    if step.kind == Step.Kind.AUTO_RESPONDER:
        return previous
    return schedule.due_after_delay(
        previous,
        step.delay_business_days,
        zone=prospect.time_zone,
        start=campaign.send_window_start,
        end=campaign.send_window_end,
        holidays=holidays,
    )


# --- campaigns, steps and scripts ------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    actor: User,
    team: Team,
    value_stream: ValueStream,
    name: str,
    event_kind: str,
    event_name: str,
    event_date: date,
    program: Program | None = None,
    sender: User | None = None,
) -> Campaign:
    organisation.require(policy.can_manage_campaigns(actor, team), policy.NOT_CAMPAIGN_MANAGER)
    errors = {}
    if not team.value_streams.filter(pk=value_stream.pk).exists():
        errors["value_stream"] = f"{team.name} does not serve {value_stream.name}."
    if program is not None and program.value_stream_id != value_stream.pk:
        errors["program"] = "Choose a program of the campaign's value stream."
    if Campaign.objects.filter(team=team, name__iexact=name.strip()).exists():
        errors["name"] = f"{team.name} already has a campaign called {name.strip()}."
    if errors:
        raise ValidationError(errors)
    campaign = Campaign(
        team=team,
        value_stream=value_stream,
        name=name.strip(),
        event_kind=event_kind,
        event_name=event_name.strip(),
        event_date=event_date,
        program=program or economics.program_for_campaign(value_stream=value_stream, name=name),
        sender=sender or actor,
        created_by=actor,
    )
    campaign.full_clean(exclude=["team", "value_stream", "program", "sender", "created_by"])
    campaign.save()
    return campaign


@transaction.atomic
def step_add(
    *,
    actor: User,
    campaign: Campaign,
    kind: str,
    delay_business_days: int = 0,
    subject: str = "",
    body: str = "",
    script: CallScript | None = None,
    mail_item: str = "",
    mail_cost: Decimal | None = None,
) -> Step:
    """A step at the end of the sequence."""
    organisation.require(
        policy.can_manage_campaigns(actor, campaign.team), policy.NOT_CAMPAIGN_MANAGER
    )
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # one position at a time
    errors = {}
    if kind in {Step.Kind.EMAIL, Step.Kind.AUTO_RESPONDER}:
        if not subject.strip():
            errors["subject"] = "An email needs a subject."
        if not body.strip():
            errors["body"] = "An email needs a body."
    elif kind == Step.Kind.CALL:
        if script is None:
            errors["script"] = "A call step needs a call script."
        elif script.team_id != campaign.team_id:
            errors["script"] = "Choose a script of the campaign's team."
    elif kind == Step.Kind.DIRECT_MAIL:
        if not mail_item.strip():
            errors["mail_item"] = "Say what to send."
    else:
        errors["kind"] = "Choose the kind of step."
    if errors:
        raise ValidationError(errors)
    last = campaign.steps.aggregate(last=Max("position"))["last"] or 0
    step = Step(
        campaign=campaign,
        position=last + 1,
        kind=kind,
        delay_business_days=delay_business_days,
        subject=subject.strip() if kind != Step.Kind.CALL else "",
        body=body.strip() if kind != Step.Kind.CALL else "",
        script=script if kind == Step.Kind.CALL else None,
        mail_item=mail_item.strip() if kind == Step.Kind.DIRECT_MAIL else "",
        mail_cost=mail_cost if kind == Step.Kind.DIRECT_MAIL else None,
    )
    step.full_clean(exclude=["campaign", "script"], validate_constraints=False)
    step.save()
    if script is not None:
        campaign.scripts.add(script)
    # Enrolments made before the campaign had any step start with this one.
    _resume_waiting(campaign=campaign, step=step)
    return step


def _resume_waiting(*, campaign: Campaign, step: Step) -> None:
    holidays = holiday_dates()
    now = timezone.now()
    waiting = Enrollment.objects.filter(
        campaign=campaign, status=Enrollment.Status.ACTIVE, next_step__isnull=True,
        next_due_at__isnull=True,
    ).select_related("prospect")  # fmt: skip
    for enrollment in waiting:
        enrollment.next_step = step
        enrollment.next_due_at = step_due_at(
            campaign=campaign, step=step, prospect=enrollment.prospect, previous=now,
            holidays=holidays,
        )  # fmt: skip
        enrollment.save(update_fields=["next_step", "next_due_at"])


@transaction.atomic
def step_remove(*, actor: User, step: Step) -> None:
    """Remove a step no enrolment has run yet."""
    organisation.require(
        policy.can_manage_campaigns(actor, step.campaign.team), policy.NOT_CAMPAIGN_MANAGER
    )
    if step.executions.exists():
        raise ValidationError("This step has run for some prospects; it stays in the history.")
    following = step.campaign.steps.filter(position__gt=step.position).order_by("position")
    next_step = following.first()
    Enrollment.objects.filter(next_step=step).update(next_step=next_step)
    step.delete()
    for later in following:
        later.position -= 1
        later.save(update_fields=["position"])


@transaction.atomic
def script_create(*, actor: User, team: Team, name: str, body: str) -> CallScript:
    organisation.require(policy.can_manage_campaigns(actor, team), policy.NOT_CAMPAIGN_MANAGER)
    if CallScript.objects.filter(team=team, name__iexact=name.strip()).exists():
        raise ValidationError({"name": f"{team.name} already has a script called {name.strip()}."})
    script = CallScript(team=team, name=name.strip(), created_by=actor)
    script.full_clean(exclude=["team", "created_by"])
    script.save()
    _version_add(script=script, actor=actor, body=body, note="First version.")
    return script


def _version_add(*, script: CallScript, actor: User, body: str, note: str) -> ScriptVersion:
    if not body.strip():
        raise ValidationError({"body": "Write the script."})
    last = script.versions.aggregate(last=Max("number"))["last"] or 0
    version = ScriptVersion(
        script=script, number=last + 1, body=body.strip(), note=note.strip(), created_by=actor
    )
    version.full_clean(exclude=["script", "created_by"], validate_constraints=False)
    version.save()
    return version


@transaction.atomic
def script_revise(*, actor: User, script: CallScript, body: str, note: str) -> ScriptVersion:
    """A new version of the script: calls from now on log it."""
    organisation.require(
        policy.can_manage_campaigns(actor, script.team), policy.NOT_CAMPAIGN_MANAGER
    )
    CallScript.objects.select_for_update().filter(pk=script.pk).first()
    return _version_add(script=script, actor=actor, body=body, note=note)


def current_version(script: CallScript) -> ScriptVersion | None:
    return script.versions.order_by("-number").first()


# --- enrolments ------------------------------------------------------------------------


def _callers(team: Team) -> list[int]:
    members = list(
        Membership.objects.filter(team=team)
        .order_by("role", "user__username")
        .values_list("user_id", "role")
    )
    callers = [user_id for user_id, role in members if role == Membership.Role.MEMBER]
    return callers or [user_id for user_id, _ in members]


def enrollments_create(
    *, campaign: Campaign, prospects: Iterable[Prospect], now: datetime | None = None
) -> int:
    """Put prospects into the campaign's sequence (once each); returns how many are new.

    Callers are dealt round robin among the team's members. Call inside a
    transaction (the import does) or on its own.
    """
    now = now or timezone.now()
    holidays = holiday_dates()
    first = campaign.steps.order_by("position").first()
    callers = _callers(campaign.team)
    already = set(campaign.enrollments.values_list("prospect_id", flat=True))
    start = len(already)
    rows = []
    for prospect in prospects:
        if prospect.pk in already:
            continue
        already.add(prospect.pk)
        rows.append(
            Enrollment(
                campaign=campaign,
                prospect=prospect,
                caller_id=callers[(start + len(rows)) % len(callers)] if callers else None,
                next_step=first,
                next_due_at=(
                    step_due_at(
                        campaign=campaign, step=first, prospect=prospect, previous=now,
                        holidays=holidays,
                    )
                    if first is not None
                    else None
                ),
                enrolled_at=now,
            )
        )  # fmt: skip
    Enrollment.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def enrollments_add(
    *, actor: User, campaign: Campaign, prospects: Iterable[Prospect], now: datetime | None = None
) -> int:
    organisation.require(
        policy.can_manage_campaigns(actor, campaign.team), policy.NOT_CAMPAIGN_MANAGER
    )
    return enrollments_create(campaign=campaign, prospects=prospects, now=now)


def enrollments_stop(*, enrollments, reason: str, now: datetime | None = None) -> int:
    """End these active enrolments now (a reply, a meeting, a bounce, an opt-out):
    nothing further is sent or called. Open calls leave the queue."""
    now = now or timezone.now()
    ids = list(enrollments.filter(status=Enrollment.Status.ACTIVE).values_list("pk", flat=True))
    if not ids:
        return 0
    StepExecution.objects.filter(
        enrollment_id__in=ids, status=StepExecution.Status.CALL_DUE
    ).update(status=StepExecution.Status.SKIPPED, finished_at=now, detail=f"Stopped: {reason}")
    return Enrollment.objects.filter(pk__in=ids, status=Enrollment.Status.ACTIVE).update(
        status=Enrollment.Status.STOPPED,
        stop_reason=reason,
        next_due_at=None,
        ended_at=now,
    )


@transaction.atomic
def reply_record(*, actor: User, enrollment_id: int) -> Enrollment:
    """The prospect replied: they leave this sequence at once."""
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("campaign__team")
        .get(pk=enrollment_id)
    )
    organisation.require(
        policy.can_work_campaign(actor, enrollment.campaign.team), policy.NOT_IN_TEAM
    )
    enrollments_stop(
        enrollments=Enrollment.objects.filter(pk=enrollment.pk),
        reason=Enrollment.StopReason.REPLIED,
    )
    enrollment.refresh_from_db()
    return enrollment


def enrollment_advance(
    *, enrollment: Enrollment, after: Step, at: datetime, holidays: Collection[date]
) -> None:
    """Schedule the step after `after`, or finish the sequence. Call holding the row lock."""
    enrollments_advance(pairs=[(enrollment, after)], at=at, holidays=holidays)


def enrollments_advance(
    *, pairs: list[tuple[Enrollment, Step]], at: datetime, holidays: Collection[date]
) -> None:
    """For each (enrolment, step it just did): schedule the next step, or finish the
    sequence; one query for the steps and one write. Call holding the rows' locks."""
    if not pairs:
        return
    steps: dict[int, list[Step]] = {}
    for step in Step.objects.filter(
        campaign_id__in={enrollment.campaign_id for enrollment, _ in pairs}
    ).order_by("position"):
        steps.setdefault(step.campaign_id, []).append(step)
    for enrollment, after in pairs:
        following = next(
            (s for s in steps.get(enrollment.campaign_id, []) if s.position > after.position),
            None,
        )
        if following is None:
            enrollment.next_step = None
            enrollment.next_due_at = None
            enrollment.status = Enrollment.Status.FINISHED
            enrollment.stop_reason = Enrollment.StopReason.COMPLETED
            enrollment.ended_at = at
        else:
            enrollment.next_step = following
            enrollment.next_due_at = step_due_at(
                campaign=enrollment.campaign, step=following, prospect=enrollment.prospect,
                previous=at, holidays=holidays,
            )  # fmt: skip
    # One UPDATE per distinct outcome (most of a batch shares its next step and due time).
    groups: dict[tuple, list[int]] = {}
    for enrollment, _ in pairs:
        key = (enrollment.next_step_id, enrollment.next_due_at, enrollment.status,
               enrollment.stop_reason, enrollment.ended_at)  # fmt: skip
        groups.setdefault(key, []).append(enrollment.pk)
    for (next_step_id, next_due_at, status, stop_reason, ended_at), ids in groups.items():
        Enrollment.objects.filter(pk__in=ids).update(
            next_step_id=next_step_id, next_due_at=next_due_at, status=status,
            stop_reason=stop_reason, ended_at=ended_at,
        )  # fmt: skip


# --- pausing and resuming --------------------------------------------------------------


def _campaign_locked(*, actor: User, campaign_id: int) -> Campaign:
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("team")
        .prefetch_related("team__memberships", "team__value_streams")
        .get(pk=campaign_id)
    )
    organisation.require(
        policy.can_manage_campaigns(actor, campaign.team), policy.NOT_CAMPAIGN_MANAGER
    )
    return campaign


@transaction.atomic
def campaign_pause(*, actor: User, campaign_id: int, now: datetime | None = None) -> Campaign:
    """Stop the campaign's clock: the engine takes no step of a paused campaign (its
    queue asks for active campaigns only). Pausing a paused campaign changes nothing."""
    campaign = _campaign_locked(actor=actor, campaign_id=campaign_id)
    if campaign.status == Campaign.Status.PAUSED:
        return campaign
    campaign.status = Campaign.Status.PAUSED
    campaign.paused_at = now or timezone.now()
    campaign.save(update_fields=["status", "paused_at"])
    return campaign


@transaction.atomic
def campaign_resume(*, actor: User, campaign_id: int, now: datetime | None = None) -> Campaign:
    """Start the clock again where it stopped.

    The rule: every waiting step moves on by the business days the campaign was
    paused (counted in the campaign team's zone, holidays skipped), keeping its
    local time. A step due on the Tuesday of a pause from Monday to Thursday
    falls due on Friday; the prospects who would have had a step each day still
    have one each day, in the same order, so resuming sends no burst of
    everything that fell due while paused. A pause within one business day
    moves nothing: its few due steps run at once, inside the send window and the
    sender's daily cap like any other.
    """
    now = now or timezone.now()
    campaign = _campaign_locked(actor=actor, campaign_id=campaign_id)
    if campaign.status == Campaign.Status.ACTIVE:
        return campaign
    holidays = holiday_dates()
    if campaign.paused_at is not None:
        zone = campaign.team.zone
        paused_day = campaign.paused_at.astimezone(zone).date()
        today = now.astimezone(zone).date()
        shift = business_days_between(paused_day, today, holidays)
        if shift:
            _enrollments_shift(campaign=campaign, days=shift, holidays=holidays)
    campaign.status = Campaign.Status.ACTIVE
    campaign.paused_at = None
    campaign.save(update_fields=["status", "paused_at"])
    return campaign


def business_days_between(start: date, end: date, holidays: Collection[date]) -> int:
    """Business days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day = date.fromordinal(day.toordinal() + 1)
        if schedule.is_business_day(day, holidays):
            count += 1
    return count


def _enrollments_shift(*, campaign: Campaign, days: int, holidays: Collection[date]) -> None:
    """Move each waiting step of the campaign `days` business days on, in the prospect's
    zone at the same local time; one UPDATE per distinct new due time."""
    # No row locks needed: the engine takes no enrolment of a paused campaign, and one
    # stopped meanwhile (a reply, an opt-out) is left alone by the status filter below.
    waiting = Enrollment.objects.filter(
        campaign=campaign, status=Enrollment.Status.ACTIVE, next_due_at__isnull=False
    ).values_list("pk", "next_due_at", "prospect__time_zone")
    groups: dict[datetime, list[int]] = {}
    moved: dict[tuple[datetime, str], datetime] = {}
    for pk, due, zone in waiting:
        if (due, zone) not in moved:
            local = due.astimezone(zoneinfo.ZoneInfo(zone))
            day = schedule.add_business_days(local.date(), days, holidays)
            moved[due, zone] = datetime.combine(day, local.time(), tzinfo=local.tzinfo)
        groups.setdefault(moved[due, zone], []).append(pk)
    for due, ids in groups.items():
        Enrollment.objects.filter(pk__in=ids, status=Enrollment.Status.ACTIVE).update(
            next_due_at=due
        )
