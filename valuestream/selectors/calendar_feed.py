"""What a person's calendar feed holds: the stand-ups of their teams (a weekly
recurrence at the team's local time) and the weekly reviews they attend (each
week's, from a few weeks back to a few weeks ahead, with the same UID as the
review's invitation)."""

import re
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from roles.models import Team, User
from valuestream import ical, policy
from valuestream.models import REVIEW_DURATION, CalendarFeed, WeeklyReview
from valuestream.selectors.dashboard import value_stream_zone

STANDUP_DURATION = timedelta(minutes=15)
# What secrets.token_urlsafe makes; anything else (a NUL byte...) never reaches the database.
TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+")
REVIEW_WEEKS_BACK = 4
REVIEW_WEEKS_AHEAD = 8


def feed_owner(*, token: str) -> User | None:
    """The active person whose feed `token` opens, or None (a reset token opens nothing)."""
    if not token or len(token) > 100 or not TOKEN_CHARACTERS.fullmatch(token):
        return None
    feed = CalendarFeed.objects.filter(token=token, owner__is_active=True).select_related("owner")
    found = feed.first()
    return found.owner if found is not None else None


def feed_for(*, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(owner=user).first()


def feed_events(*, user: User, now: datetime | None = None) -> list[ical.Event]:
    """The events of `user`'s feed, in three queries."""
    now = now or timezone.now()
    events = []
    teams = Team.objects.filter(Q(memberships__user=user) | Q(coordinator=user)).distinct()
    for team in teams.order_by("name"):
        if not team.working_days:
            continue
        # The recurrence starts on a working day a few weeks back: a calendar shows the
        # recent past too, and DTSTART is then an occurrence itself (RFC 5545 3.8.5.3).
        day = now.astimezone(team.zone).date() - timedelta(weeks=REVIEW_WEEKS_BACK)
        while day.isoweekday() not in team.working_days:
            day += timedelta(days=1)
        first = ical.local_start(day, team.standup_time, team.zone)
        events.append(
            ical.Event(
                uid=ical.standup_uid(team_id=team.pk),
                summary=f"Stand-up: {team.name}",
                starts_at=first,
                duration=STANDUP_DURATION,
                weekly_on=tuple(sorted(team.working_days)),
            )
        )
    value_streams = list(policy.attended_value_streams(user).select_related("vsm").order_by("name"))
    prepared = {
        (review.value_stream_id, review.week_start): review
        for review in WeeklyReview.objects.filter(
            value_stream__in=value_streams,
            week_start__gte=now.date() - timedelta(weeks=REVIEW_WEEKS_BACK + 1),
        )
    }
    for value_stream in value_streams:
        zone = value_stream_zone(value_stream)
        today = now.astimezone(zone).date()
        this_week = today - timedelta(days=today.isoweekday() - 1)
        for weeks in range(-REVIEW_WEEKS_BACK, REVIEW_WEEKS_AHEAD + 1):
            week_start = this_week + timedelta(weeks=weeks)
            review = prepared.get((value_stream.pk, week_start))
            day = week_start + timedelta(days=value_stream.weekly_review_weekday - 1)
            starts_at = (
                review.starts_at.astimezone(zone)
                if review is not None
                else ical.local_start(day, value_stream.weekly_review_time, zone)
            )
            events.append(
                ical.Event(
                    uid=ical.review_uid(value_stream_id=value_stream.pk, week_start=week_start),
                    summary=f"Weekly review: {value_stream.name}",
                    starts_at=starts_at,
                    duration=REVIEW_DURATION,
                    description=f"Chaired by {value_stream.vsm.display_name}.",
                )
            )
    return events
