"""Thin Celery entry points for the beat ticks; the services do the work."""

from celery import shared_task

from valuestream.services import reviews as review_services


@shared_task(name="valuestream.tasks.prepare_due_weekly_reviews", acks_late=True)
def prepare_due_weekly_reviews() -> int:
    """Prepare every weekly review now due (idempotent: a second run prepares nothing)."""
    return review_services.weekly_reviews_prepare_due()
