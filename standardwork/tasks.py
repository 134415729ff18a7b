"""Thin Celery entry points for the beat ticks; the services do the work."""

from celery import shared_task

from standardwork import services
from standardwork.services import standups as standup_services


@shared_task(name="standardwork.tasks.issue_due_checklists")
def issue_due_checklists() -> int:
    return services.checklists_issue_due()


@shared_task(name="standardwork.tasks.send_due_reminders")
def send_due_reminders() -> int:
    return services.reminders_send_due()


@shared_task(name="standardwork.tasks.open_due_standups")
def open_due_standups() -> int:
    return standup_services.standups_open_due()
