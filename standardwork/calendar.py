"""Dates in a person's own calendar: which local day it is, and which items fall due.

Pure functions on dates; time zones come from zoneinfo, never from a stored
UTC offset, so DST changes cannot shift a day.
"""

import calendar
import zoneinfo
from datetime import date, datetime, timedelta

from django.utils import timezone

from standardwork.models import TemplateItem


def local_date(now: datetime, time_zone: str) -> date:
    return now.astimezone(zoneinfo.ZoneInfo(time_zone)).date()


def _due_in_period(target: date, start: date, end: date, working_days: tuple[int, ...]) -> date:
    """The first working day on or after `target` within [start, end], else the last before it."""
    day = target
    while day <= end:
        if day.isoweekday() in working_days:
            return day
        day += timedelta(days=1)
    day = target - timedelta(days=1)
    while day >= start:
        if day.isoweekday() in working_days:
            return day
        day -= timedelta(days=1)
    return target


def due_date_in_period(item: TemplateItem, day: date, working_days: tuple[int, ...]) -> date:
    """The date within `day`'s week (weekly) or month (monthly) when `item` falls due."""
    if item.cadence == TemplateItem.Cadence.WEEKLY:
        monday = day - timedelta(days=day.isoweekday() - 1)
        target = monday + timedelta(days=(item.weekday or 1) - 1)
        return _due_in_period(target, monday, monday + timedelta(days=6), working_days)
    if item.cadence == TemplateItem.Cadence.MONTHLY:
        last = calendar.monthrange(day.year, day.month)[1]
        target = day.replace(day=min(item.day_of_month or 1, last))
        return _due_in_period(target, day.replace(day=1), day.replace(day=last), working_days)
    return day


def is_due(item: TemplateItem, day: date, working_days: tuple[int, ...]) -> bool:
    """Whether `item` belongs on the checklist of `day` (assumed a working day)."""
    if item.cadence == TemplateItem.Cadence.DAILY:
        return True
    return due_date_in_period(item, day, working_days) == day


def period_start(item_cadence: str, day: date) -> date:
    """The first day of the period an item of this cadence stays open in."""
    if item_cadence == TemplateItem.Cadence.WEEKLY:
        return day - timedelta(days=day.isoweekday() - 1)
    if item_cadence == TemplateItem.Cadence.MONTHLY:
        return day.replace(day=1)
    return day


def same_period(item_cadence: str, issued: date, today: date) -> bool:
    """Whether an item issued on `issued` may still be ticked on `today`."""
    return period_start(item_cadence, issued) == period_start(item_cadence, today) and (
        issued <= today
    )


def team_today(team, now: datetime | None = None) -> date:
    """The team's local date now (or at `now`)."""
    return local_date(now or timezone.now(), team.time_zone)
