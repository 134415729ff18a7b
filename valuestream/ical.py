"""iCalendar (RFC 5545) text for weekly review invitations and the personal feed.

Pure functions on plain values: no query. Times carry their TZID (with the
VTIMEZONE the `icalendar` library writes for it), so a calendar shows the
review at the value stream's local time on either side of a DST change.
A review's UID is stable (its value stream and week), so an invitation sent
again, or the feed, updates the same event instead of adding a second one.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

import icalendar

PRODID = "-//LeanOps//Weekly review//EN"
UID_DOMAIN = "leanops"
ICAL_DAYS = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}
MIMETYPE_INVITATION = "text/calendar; method=REQUEST"


def review_uid(*, value_stream_id: int, week_start) -> str:
    return f"weekly-review-{value_stream_id}-{week_start:%G-W%V}@{UID_DOMAIN}"


def standup_uid(*, team_id: int) -> str:
    return f"standup-{team_id}@{UID_DOMAIN}"


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class Event:
    uid: str
    summary: str
    starts_at: datetime  # aware, in the zone the calendar should show
    duration: timedelta
    description: str = ""
    url: str = ""
    organizer: Person | None = None
    attendees: tuple[Person, ...] = ()
    weekly_on: tuple[int, ...] = ()  # ISO weekdays: a weekly recurrence (stand-ups)
    stamp: datetime | None = None
    extra: dict = field(default_factory=dict)


def _address(person: Person, role: str | None = None) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = icalendar.vText(person.name)
    if role:
        address.params["ROLE"] = icalendar.vText(role)
        address.params["PARTSTAT"] = icalendar.vText("NEEDS-ACTION")
        address.params["RSVP"] = icalendar.vText("TRUE")
    return address


def _vevent(event: Event, stamp: datetime) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", event.stamp or stamp)
    vevent.add("dtstart", event.starts_at)
    vevent.add("dtend", event.starts_at + event.duration)
    vevent.add("summary", event.summary)
    if event.description:
        vevent.add("description", event.description)
    if event.url:
        vevent.add("url", event.url)
    if event.organizer is not None:
        vevent.add("organizer", _address(event.organizer))
    for attendee in event.attendees:
        if attendee.email:
            vevent.add("attendee", _address(attendee, "REQ-PARTICIPANT"), encode=0)
    if event.weekly_on:
        vevent.add(
            "rrule", {"freq": "weekly", "byday": [ICAL_DAYS[day] for day in event.weekly_on]}
        )
    for name, value in event.extra.items():
        vevent.add(name, value)
    return vevent


def calendar_text(events: list[Event], *, method: str, name: str, stamp: datetime) -> str:
    """A VCALENDAR holding `events`, with the VTIMEZONEs their times need."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(_vevent(event, stamp))
    # Time zone rules for the years around the events, not the library's 1970-2038.
    cal.add_missing_timezones(
        first_date=(stamp - timedelta(days=366)).date(),
        last_date=(stamp + timedelta(days=366 * 3)).date(),
    )
    return cal.to_ical().decode()


def invitation_text(event: Event, *, stamp: datetime) -> str:
    """A meeting request (METHOD:REQUEST) a mail client offers to put in the calendar."""
    return calendar_text([event], method="REQUEST", name=event.summary, stamp=stamp)


def local_start(day, at: time, zone) -> datetime:
    """`day` at the local time `at` in `zone`; a time the clocks skip falls after the gap."""
    aware = datetime.combine(day, at, tzinfo=zone)
    # zoneinfo gives a nonexistent local time (in the spring gap) the offset before
    # the change; going through UTC moves it to the real instant after the gap.
    return aware.astimezone(UTC).astimezone(zone)
