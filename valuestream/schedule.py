"""Business days and send windows, in the prospect's own time zone.

Pure functions: the holidays are passed in as a set of dates. Local times are
built with zoneinfo on the local date, never from a stored UTC offset, so a
send window opens at 09:00 local on both sides of a DST change.
"""

import zoneinfo
from collections.abc import Collection
from datetime import date, datetime, time, timedelta

WEEKEND = {6, 7}  # ISO Saturday, Sunday


def is_business_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.isoweekday() not in WEEKEND and day not in holidays


def next_business_day(day: date, holidays: Collection[date] = ()) -> date:
    """`day` itself when it is a business day, else the first one after it."""
    while not is_business_day(day, holidays):
        day += timedelta(days=1)
    return day


def add_business_days(day: date, count: int, holidays: Collection[date] = ()) -> date:
    """The business day `count` business days after `day` (Friday + 1 is Monday,
    Saturday + 1 is Monday); 0 is `day` itself, or the next business day."""
    if count == 0:
        return next_business_day(day, holidays)
    for _ in range(count):
        day = next_business_day(day + timedelta(days=1), holidays)
    return day


def window_opening(day: date, start: time, zone: str) -> datetime:
    """When the send window opens on local `day` in `zone`, as an aware datetime."""
    return datetime.combine(day, start, tzinfo=zoneinfo.ZoneInfo(zone))


def next_send_time(
    after: datetime, *, zone: str, start: time, end: time, holidays: Collection[date] = ()
) -> datetime:
    """The first instant at or after `after` inside the send window of a business
    day in `zone`: `after` itself when it is inside one."""
    tz = zoneinfo.ZoneInfo(zone)
    local = after.astimezone(tz)
    day = local.date()
    if is_business_day(day, holidays) and start <= local.time() < end:
        return after
    if not is_business_day(day, holidays) or local.time() >= end:
        day = next_business_day(day + timedelta(days=1), holidays)
    return window_opening(day, start, zone)


def in_send_window(
    moment: datetime, *, zone: str, start: time, end: time, holidays: Collection[date] = ()
) -> bool:
    return next_send_time(moment, zone=zone, start=start, end=end, holidays=holidays) == moment


def due_after_delay(
    previous: datetime,
    delay: int,
    *,
    zone: str,
    start: time,
    end: time,
    holidays: Collection[date] = (),
) -> datetime:
    """When a step `delay` business days after `previous` falls due: the window's
    opening on that local business day (a delay of 0 is the next open moment)."""
    if delay == 0:
        return next_send_time(previous, zone=zone, start=start, end=end, holidays=holidays)
    local_day = previous.astimezone(zoneinfo.ZoneInfo(zone)).date()
    return window_opening(add_business_days(local_day, delay, holidays), start, zone)
