"""Preparing the weekly review: the beat tick, in each value stream's zone, once."""

from datetime import date, time

import icalendar
import pytest
from django.core import mail

from roles.models import Weekday
from standardwork.models import Notice
from tests.roles.factories import TeamFactory, ValueStreamFactory
from tests.valuestream.reviews.conftest import at
from tests.valuestream.reviews.factories import ImpedimentFactory
from valuestream.models import WeeklyReview
from valuestream.selectors.dashboard import agenda_build, review_scope
from valuestream.services.reviews import weekly_review_prepare, weekly_reviews_prepare_due

pytestmark = pytest.mark.django_db


def test_a_review_is_prepared_two_hours_before_it_starts_in_the_value_streams_zone(org):
    before = weekly_reviews_prepare_due(now=at("2026-11-27 11:59", "Europe/London"))
    on_time = weekly_reviews_prepare_due(now=at("2026-11-27 12:00", "Europe/London"))

    review = WeeklyReview.objects.get()
    assert (before, on_time) == (0, 1)
    assert review.value_stream == org.pumps
    assert review.week_start == date(2026, 11, 23)
    assert review.date == date(2026, 11, 27)
    assert review.starts_at == at("2026-11-27 14:00", "UTC")  # GMT in November


def test_preparing_again_or_from_a_second_tick_changes_nothing(org):
    now = at("2026-11-27 12:30", "Europe/London")
    weekly_reviews_prepare_due(now=now)
    agenda = WeeklyReview.objects.get().agenda

    again = weekly_reviews_prepare_due(now=now)
    direct = weekly_review_prepare(
        value_stream_id=org.pumps.pk, week_start=date(2026, 11, 23), now=now
    )

    assert (again, direct) == (0, None)
    assert WeeklyReview.objects.count() == 1
    assert WeeklyReview.objects.get().agenda == agenda
    assert Notice.objects.filter(kind=Notice.Kind.WEEKLY_REVIEW).count() == 4


def test_each_value_stream_is_prepared_at_its_own_local_time(org):
    new_york = ValueStreamFactory(
        name="Valves",
        time_zone="America/New_York",
        weekly_review_weekday=Weekday.THURSDAY,
        weekly_review_time=time(15, 0),
    )
    TeamFactory(value_streams=[new_york])

    # Thursday 13:00 in New York is 18:00 UTC (EST); London's Friday review is not due yet.
    early = weekly_reviews_prepare_due(now=at("2026-11-26 17:59"))
    due = weekly_reviews_prepare_due(now=at("2026-11-26 18:00"))

    review = WeeklyReview.objects.get()
    assert (early, due) == (0, 1)
    assert review.value_stream == new_york
    assert review.starts_at == at("2026-11-26 20:00")
    assert review.local_start.hour == 15


def test_the_review_keeps_its_local_time_across_the_change_to_summer_time(org):
    # Clocks go forward in London on Sunday 29 March 2026: 14:00 is 14:00 UTC on the
    # Friday before and 13:00 UTC on the Friday after.
    weekly_reviews_prepare_due(now=at("2026-03-27 12:00"))
    not_yet = weekly_reviews_prepare_due(now=at("2026-04-03 10:59"))
    after = weekly_reviews_prepare_due(now=at("2026-04-03 11:00"))

    before_change, after_change = WeeklyReview.objects.order_by("week_start")
    assert (not_yet, after) == (0, 1)
    assert before_change.starts_at == at("2026-03-27 14:00")
    assert after_change.starts_at == at("2026-04-03 13:00")
    assert after_change.local_start.strftime("%H:%M %Z") == "14:00 BST"


def test_after_downtime_the_next_tick_catches_up_without_inviting_to_a_past_meeting(org):
    # The worker was down from Friday morning until Saturday.
    prepared = weekly_reviews_prepare_due(now=at("2026-11-28 09:00", "Europe/London"))

    review = WeeklyReview.objects.get()
    assert prepared == 1
    assert review.week_start == date(2026, 11, 23)
    assert review.invited == 0
    assert not Notice.objects.filter(kind=Notice.Kind.WEEKLY_REVIEW).exists()


def test_the_attendees_get_a_notice_and_an_email_with_a_calendar_invitation(
    org, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://leanops.example.com/"
    with django_capture_on_commit_callbacks(execute=True):
        weekly_reviews_prepare_due(now=at("2026-11-27 12:00", "Europe/London"))

    review = WeeklyReview.objects.get()
    notices = Notice.objects.filter(kind=Notice.Kind.WEEKLY_REVIEW)
    assert sorted(notices.values_list("recipient__username", flat=True)) == [
        "mc",
        "tc",
        "tl",
        "vsm",
    ]
    assert review.invited == 4
    assert notices.first().text == (
        "Weekly review of Pumps on Friday 27 November at 14:00 (Europe/London): "
        "the agenda is ready."
    )
    assert sorted(message.to[0] for message in mail.outbox) == [
        "mc@example.com",
        "tc@example.com",
        "tl@example.com",
        "vsm@example.com",
    ]
    message = mail.outbox[0].message()
    (part,) = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "weekly-review.ics"
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"weekly-review-{org.pumps.pk}-2026-W48@leanops"
    start = event.decoded("DTSTART")
    assert (start.isoformat(), str(start.tzinfo)) == (
        "2026-11-27T14:00:00+00:00",
        "Europe/London",
    )
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert (event.decoded("DTEND") - start).total_seconds() == 3600
    assert sorted(str(attendee) for attendee in event.get("ATTENDEE")) == [
        "mailto:mc@example.com",
        "mailto:tc@example.com",
        "mailto:tl@example.com",
        "mailto:vsm@example.com",
    ]
    assert str(event["ORGANIZER"]) == "mailto:vsm@example.com"
    assert str(event["URL"]) == f"https://leanops.example.com/value-stream/reviews/{review.pk}/"


def test_the_invitation_carries_summer_time_as_the_local_time(org):
    weekly_reviews_prepare_due(now=at("2026-07-03 12:00", "Europe/London"))

    notice = Notice.objects.filter(kind=Notice.Kind.WEEKLY_REVIEW).first()
    calendar = icalendar.Calendar.from_ical(notice.attachment["content"])
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("DTSTART")
    assert start.strftime("%Y-%m-%d %H:%M %Z") == "2026-07-03 14:00 BST"
    assert start.utcoffset().total_seconds() == 3600


def test_the_frozen_agenda_does_not_change_when_the_data_changes_later(org):
    weekly_reviews_prepare_due(now=at("2026-11-27 12:00", "Europe/London"))
    review = WeeklyReview.objects.get()
    frozen = review.agenda

    ImpedimentFactory(team=org.north, title="Dialler drops calls")
    live = agenda_build(
        scope=review_scope(org.pumps),
        week_start=date(2026, 11, 23),
        now=at("2026-11-27 13:00", "Europe/London"),
    )

    review.refresh_from_db()
    assert review.agenda == frozen
    assert review.agenda["impediments"]["open"] == 0
    assert live["impediments"]["open"] == 1


def test_the_beat_task_prepares_what_is_due(org, fixed_clock):
    from valuestream.tasks import prepare_due_weekly_reviews

    fixed_clock.move_to(at("2026-11-27 12:05", "Europe/London"))

    first = prepare_due_weekly_reviews.delay().get()
    second = prepare_due_weekly_reviews.delay().get()

    assert (first, second) == (1, 0)
    assert WeeklyReview.objects.get().value_stream == org.pumps
