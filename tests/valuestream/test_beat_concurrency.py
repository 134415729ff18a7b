"""Two workers running every beat tick at the same moment (two beats by mistake, or a
tick redelivered while the first still runs): each thing exists once, is announced
once, and nothing is left undone (ARCHITECTURE.md, "reconcile, don't fire-and-forget")."""

import threading
from collections import Counter
from datetime import date

import pytest
from django.core import mail
from django.db import connection

from leanops import tasks as leanops_tasks
from leanops.models import Heartbeat
from roles.models import Layer
from roles.selectors import person_places
from standardwork import tasks as standardwork_tasks
from standardwork.models import (
    Check,
    Checklist,
    Measurement,
    MeasurementChange,
    Notice,
    Standup,
)
from standardwork.services import cycles as cycle_services
from standardwork.services.followup import EMAIL_SUBJECTS
from tests.standardwork.factories import StandardWorkTemplateFactory, TemplateItemFactory
from tests.valuestream.conftest import add_email, at, enroll, prospects
from valuestream import tasks as valuestream_tasks
from valuestream.models import CallLog, FeedValue, StepExecution, WeeklyReview
from valuestream.services import feed

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.concurrency,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two workers at once need PostgreSQL's row locks (SQLite locks the whole file)",
    ),
]

# A Wednesday in London (GMT): after the 15:00 reminder, past every 09:00 stand-up,
# in the campaign send window, and the two hours before an 18:00 weekly review.
WEDNESDAY_FOUR_PM = "2026-11-25 16:00"
PROSPECTS = 30


def two_workers(task) -> list[int]:
    """Run `task` in two threads released together; its two results, errors raised."""
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=30)
            results.append(task())
        except Exception as error:  # noqa: BLE001 - raised below
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [], task.name
    assert not any(thread.is_alive() for thread in threads), task.name
    return results


@pytest.fixture
def busy_wednesday(org, campaign, fixed_clock):
    """Something due for every tick: standard work for every layer, a campaign's first
    email for thirty prospects, a fed control point with two days of calls, and both
    value streams' weekly reviews at 18:00 today."""
    fixed_clock.move_to(at(WEDNESDAY_FOUR_PM))
    for layer in Layer.values:
        item = TemplateItemFactory(version__template=StandardWorkTemplateFactory(layer=layer))
        TemplateItemFactory(version=item.version)  # two items a day
    add_email(campaign, org["leader"])
    enroll(campaign, prospects(org["team"], PROSPECTS), at(WEDNESDAY_FOUR_PM))
    point = cycle_services.control_point_create(
        actor=org["leader"], team=org["team"], name="Calls per day", unit="calls"
    )
    feed.feed_attach(control_point=point, metric="calls")
    (prospect,) = prospects(org["team"], 1)
    calls = {"campaign": campaign, "prospect": prospect, "caller": org["member"], "point": point}
    for day in (date(2026, 11, 23), date(2026, 11, 24)):
        log_call(calls, day, "voicemail")
    for value_stream in (org["pumps"], org["service"]):
        value_stream.weekly_review_weekday = 3
        value_stream.weekly_review_time = "18:00"
        value_stream.save(update_fields=["weekly_review_weekday", "weekly_review_time"])
    return calls


def log_call(calls: dict, day: date, disposition: str) -> None:
    CallLog.objects.create(
        campaign=calls["campaign"], prospect=calls["prospect"], caller=calls["caller"],
        disposition=disposition, called_at=at(f"{day.isoformat()} 11:00"), called_on=day,
    )  # fmt: skip


def test_two_workers_running_every_beat_tick_at_once_leave_one_result_per_thing(busy_wednesday):
    today = date(2026, 11, 25)
    people = person_places()

    issued = two_workers(standardwork_tasks.issue_due_checklists)
    reminded = two_workers(standardwork_tasks.send_due_reminders)
    opened = two_workers(standardwork_tasks.open_due_standups)
    executed = two_workers(valuestream_tasks.run_due_campaign_steps)
    fed = two_workers(valuestream_tasks.feed_control_points)
    prepared = two_workers(valuestream_tasks.prepare_due_weekly_reviews)
    two_workers(leanops_tasks.heartbeat)
    # A call logged late: both workers find Tuesday's value stale; one corrects it.
    log_call(busy_wednesday, date(2026, 11, 24), "connect")
    corrected = two_workers(valuestream_tasks.feed_control_points)

    # One checklist per person-day, each with its two items once; counted once.
    checklists = Checklist.objects.filter(date=today)
    assert sorted(checklists.values_list("owner_id", flat=True)) == sorted(people)
    assert sum(issued) == len(people)
    assert Counter(Check.objects.values_list("checklist_id", flat=True)) == {
        checklist.pk: 2 for checklist in checklists
    }
    # One reminder per person-day, emailed once.
    reminders = Notice.objects.filter(kind=Notice.Kind.REMINDER, date=today)
    assert sorted(reminders.values_list("recipient_id", flat=True)) == sorted(people)
    assert sum(reminded) == len(people)
    reminder = EMAIL_SUBJECTS[Notice.Kind.REMINDER]
    reminder_mails = [m for m in mail.outbox if m.subject == reminder]
    assert len(reminder_mails) == len({m.to[0] for m in reminder_mails}) == reminders.count()
    # One stand-up per team-day: North, South and Marketing Communication.
    assert Standup.objects.filter(date=today).count() == 3
    assert sum(opened) == 3
    # Each campaign step executed once, for every prospect.
    assert sum(executed) == PROSPECTS
    assert StepExecution.objects.filter(status="sent").count() == PROSPECTS
    campaign_mails = [m for m in mail.outbox if m.subject.startswith("Thanks for visiting")]
    assert len(campaign_mails) == len({m.to[0] for m in campaign_mails}) == PROSPECTS
    # Monday's and Tuesday's calls fed once each; the late call corrected Tuesday once.
    assert sum(fed) == 2
    values = Measurement.objects.filter(control_point=busy_wednesday["point"])
    assert sorted(values.values_list("measured_on", "value")) == [
        (date(2026, 11, 23), 1),
        (date(2026, 11, 24), 2),
    ]
    assert FeedValue.objects.count() == 2
    assert sum(corrected) == 1
    assert list(MeasurementChange.objects.values_list("old_value", "new_value")) == [(1, 2)]
    # One review per value stream-week, its attendees invited once.
    reviews = WeeklyReview.objects.filter(week_start=date(2026, 11, 23))
    assert reviews.count() == 2
    assert sum(prepared) == 2
    invitations = Notice.objects.filter(kind=Notice.Kind.WEEKLY_REVIEW)
    assert invitations.count() == sum(review.invited for review in reviews) > 0
    assert len(set(invitations.values_list("recipient_id", "about"))) == invitations.count()
    assert Heartbeat.objects.filter(name="worker").count() == 1
