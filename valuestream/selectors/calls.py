"""The member's "calls today" queue: a fixed number of queries however long it is."""

from datetime import date

from django.db.models import Prefetch, QuerySet

from roles.models import User
from valuestream import policy
from valuestream.models import CallLog, ScriptVersion, StepExecution


def calls_today(user: User, today: date) -> list[StepExecution]:
    """`user`'s calls due today or before, oldest first, each with its prospect, the
    script's versions (current first) and the prospect's call history. A paused
    campaign's calls wait out of the queue: pausing stops the calls as well as the mail."""
    return list(
        StepExecution.objects.filter(
            caller=user,
            status=StepExecution.Status.CALL_DUE,
            due_on__lte=today,
            enrollment__campaign__status="active",
        )
        .select_related("enrollment__prospect", "enrollment__campaign", "step__script")
        .prefetch_related(
            Prefetch("step__script__versions", queryset=ScriptVersion.objects.order_by("-number")),
            Prefetch(
                "enrollment__prospect__calls",
                queryset=CallLog.objects.select_related("caller").order_by("-called_at"),
            ),
        )
        .order_by("due_on", "pk")
    )


def call_for(user: User, execution_id: int) -> StepExecution | None:
    return policy.visible_calls_due(user).filter(pk=execution_id).first()


def calls_logged_today(user: User, today: date) -> QuerySet[CallLog]:
    return CallLog.objects.filter(caller=user, called_on=today)
