"""Thin Celery entry points for the beat ticks; the services do the work."""

import smtplib

from celery import shared_task

from standardwork.services import adherence as adherence_services
from standardwork.services import checklists as checklist_services
from standardwork.services import followup
from standardwork.services import reminders as reminder_services
from standardwork.services import standups as standup_services
from standardwork.services.followup import SEND_NOTICE_EMAIL


@shared_task(name="standardwork.tasks.issue_due_checklists")
def issue_due_checklists() -> int:
    return checklist_services.checklists_issue_due()


@shared_task(name="standardwork.tasks.summarise_adherence_weeks")
def summarise_adherence_weeks() -> int:
    """Count the closed weeks the dashboard's trends read; a second run counts none."""
    return adherence_services.adherence_weeks_summarise()


@shared_task(name="standardwork.tasks.send_due_reminders")
def send_due_reminders() -> int:
    return reminder_services.reminders_send_due()


@shared_task(name="standardwork.tasks.open_due_standups")
def open_due_standups() -> int:
    return standup_services.standups_open_due()


def _transient(error: Exception) -> bool:
    """A mail server that may answer next time: down, timed out, or a 4xx reply."""
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    # Every other SMTPException (refused recipients, ...) is an OSError too, and final.
    return not isinstance(error, smtplib.SMTPException)


@shared_task(
    name=SEND_NOTICE_EMAIL,
    bind=True,
    acks_late=True,
    max_retries=6,
    default_retry_delay=30,
    soft_time_limit=60,
    time_limit=90,
)
def send_notice_email(self, notice_id: int) -> bool:
    """Email one notice; retried with back-off on transient SMTP errors, sent at most once."""
    try:
        return followup.notice_email_send(notice_id=notice_id)
    except (smtplib.SMTPException, OSError) as error:
        if not _transient(error):
            raise
        backoff = min(self.default_retry_delay * 2**self.request.retries, 3600)
        raise self.retry(exc=error, countdown=backoff) from error
