"""Logging a call: one disposition and a note; the outcome drives the enrolment."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from roles import policy as organisation
from roles.models import Stage, User
from valuestream import policy, schedule
from valuestream.models import CallLog, Enrollment, StepExecution
from valuestream.services import campaigns as campaign_services
from valuestream.services import stages

ALREADY_LOGGED = "This call's outcome is already logged."
ENDS_SEQUENCE = {
    CallLog.Disposition.MEETING: Enrollment.StopReason.MEETING,
    CallLog.Disposition.NOT_INTERESTED: Enrollment.StopReason.NOT_INTERESTED,
    CallLog.Disposition.UNQUALIFIED: Enrollment.StopReason.UNQUALIFIED,
}


@transaction.atomic
def call_log(
    *, actor: User, execution_id: int, disposition: str, note: str = "", now: datetime | None = None
) -> CallLog:
    """Log the outcome of a call in the queue.

    A meeting booked ends the sequence and moves the prospect to acquisition, or
    hands it to the team that serves acquisition (`stages.prospect_stage_move`);
    not interested and unqualified end it; call back later keeps the call in the
    queue for the next business day; a connect or a voicemail goes on to the next step.
    """
    now = now or timezone.now()
    execution = (
        StepExecution.objects.select_for_update(of=("self",))
        .select_related("step__script", "enrollment__prospect", "enrollment__campaign__team")
        .get(pk=execution_id)
    )
    enrollment = execution.enrollment
    campaign = enrollment.campaign
    team = campaign.team
    organisation.require(policy.can_log_call(actor, execution, team), policy.NOT_CALLER)
    if disposition not in CallLog.Disposition.values:
        raise ValidationError({"disposition": "Choose the outcome of the call."})
    if execution.status != StepExecution.Status.CALL_DUE:
        raise ValidationError(ALREADY_LOGGED)
    script = execution.step.script
    version = campaign_services.current_version(script) if script else None
    call = CallLog(
        execution=execution,
        campaign=campaign,
        prospect=enrollment.prospect,
        caller=actor,
        script_version=version,
        disposition=disposition,
        note=" ".join(note.split())[:500],
        called_at=now,
        called_on=now.astimezone(team.zone).date(),
    )
    call.full_clean(exclude=["execution", "campaign", "prospect", "caller", "script_version"])
    call.save()
    holidays = campaign_services.holiday_dates()
    if disposition == CallLog.Disposition.CALL_BACK:
        execution.due_on = schedule.add_business_days(call.called_on, 1, holidays)
        execution.save(update_fields=["due_on"])
        return call
    execution.status = StepExecution.Status.DONE
    execution.finished_at = now
    execution.save(update_fields=["status", "finished_at"])
    if disposition in ENDS_SEQUENCE:
        campaign_services.enrollments_stop(
            enrollments=Enrollment.objects.filter(pk=enrollment.pk),
            reason=ENDS_SEQUENCE[disposition],
            now=now,
        )
        if disposition == CallLog.Disposition.MEETING:
            stages.prospect_stage_move(
                prospect_id=enrollment.prospect_id, stage=Stage.ACQUISITION,
                value_stream_id=campaign.value_stream_id, by=actor,
                note=f"Meeting booked. {call.note}".strip(), now=now,
                only_from=stages.BEFORE_MEETING,
            )  # fmt: skip
        return call
    locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if locked.status == Enrollment.Status.ACTIVE:
        locked.campaign = campaign
        locked.prospect = enrollment.prospect
        campaign_services.enrollment_advance(
            enrollment=locked, after=execution.step, at=now, holidays=holidays
        )
    return call
