"""Thin Celery entry points; the services do the work."""

from celery import shared_task
from django.utils import timezone

from valuestream.selectors import campaigns as campaign_selectors
from valuestream.services import engine, feed
from valuestream.services import prospects as prospect_services
from valuestream.services import reviews as review_services
from valuestream.services.prospects import RUN_IMPORT


@shared_task(name="valuestream.tasks.run_due_campaign_steps")
def run_due_campaign_steps() -> int:
    """The every-minute tick: execute every campaign step that is due, exactly once."""
    return engine.campaign_steps_run_due().executed


@shared_task(name="valuestream.tasks.feed_control_points")
def feed_control_points() -> int:
    return feed.control_points_feed()


@shared_task(name=RUN_IMPORT, acks_late=True, soft_time_limit=900, time_limit=960)
def run_prospect_import(import_id: int) -> str:
    return prospect_services.import_run(import_id=import_id).status


@shared_task(name="valuestream.tasks.requeue_stranded_imports")
def requeue_stranded_imports() -> int:
    """Queue again the imports whose task never reached a worker (the broker was down)."""
    stranded = campaign_selectors.imports_stranded(now=timezone.now())
    for import_id in stranded:
        run_prospect_import.delay(import_id=import_id)
    return len(stranded)


@shared_task(name="valuestream.tasks.prepare_due_weekly_reviews", acks_late=True)
def prepare_due_weekly_reviews() -> int:
    """Prepare every weekly review now due (idempotent: a second run prepares nothing)."""
    return review_services.weekly_reviews_prepare_due()
