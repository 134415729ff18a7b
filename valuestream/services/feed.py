"""Control points read from the call log: connect rate, calls per day and
meetings booked, one value per working day of the team, never typed in.

`control_points_feed` is idempotent: a day it wrote is compared with its
FeedValue and left alone when unchanged (a call logged late corrects it, with
the reason in the value's history); a day someone entered by hand is left as
they entered it. Days are complete local days of the team, up to yesterday.
"""

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from roles.models import Membership, Team, User
from standardwork.models import ControlPoint, Measurement
from standardwork.services import cycles as cycle_services
from valuestream.models import CallLog, ControlPointFeed, FeedValue

LOOKBACK_DAYS = 42
RECOMPUTED = "Recomputed from the call log (a call was logged late)."
Metric = ControlPointFeed.Metric


@transaction.atomic
def feed_attach(*, control_point: ControlPoint, metric: str) -> ControlPointFeed:
    """Feed `control_point` from the call log of its team."""
    if metric not in Metric.values:
        raise ValidationError({"metric": "Choose what to feed it with."})
    feed, _ = ControlPointFeed.objects.update_or_create(
        control_point=control_point, defaults={"metric": metric}
    )
    return feed


def daily_call_figures(team: Team, start: date, end: date) -> dict[date, dict[str, int]]:
    """Per local day with calls: calls, connected calls and meetings booked by `team`."""
    rows = (
        CallLog.objects.filter(campaign__team=team, called_on__range=(start, end))
        .values("called_on")
        .annotate(
            calls=Count("pk"),
            connected=Count("pk", filter=Q(disposition__in=CallLog.CONNECTED)),
            meetings=Count("pk", filter=Q(disposition=CallLog.Disposition.MEETING)),
        )
    )
    return {row["called_on"]: row for row in rows}


def metric_value(metric: str, figures: dict[str, int] | None) -> Decimal | None:
    """The day's value of `metric`; None when there is none (no calls, no connect rate)."""
    calls = figures["calls"] if figures else 0
    if metric == Metric.CALLS:
        return Decimal(calls)
    if metric == Metric.MEETINGS:
        return Decimal(figures["meetings"] if figures else 0)
    if not calls:
        return None
    rate = Decimal(figures["connected"] * 100) / Decimal(calls)
    return rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _feed_actor(team: Team) -> User | None:
    """Who the values are entered as: the team's leader, else its coordinator."""
    leader = Membership.objects.filter(team=team, role=Membership.Role.LEADER).first()
    if leader is not None:
        return leader.user
    return team.coordinator


def control_points_feed(*, now: datetime | None = None) -> int:
    """Write every fed control point's missing or changed days; returns how many values."""
    now = now or timezone.now()
    written = 0
    feed_ids = ControlPointFeed.objects.filter(control_point__is_active=True).values_list(
        "pk", flat=True
    )
    for feed_id in feed_ids:
        written += _feed_one(feed_id, now)
    return written


@transaction.atomic
def _feed_one(feed_id: int, now: datetime) -> int:
    # Two workers ticking at once would both find a day missing and both record it
    # (the second then refused: the day has a value) or both correct it (its history
    # twice). The feed's row lock makes one of them feed it; the other skips it, as
    # the first writes everything due.
    feed = (
        ControlPointFeed.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("control_point__team")
        .filter(pk=feed_id)
        .first()
    )
    if feed is None:
        return 0
    team = feed.control_point.team
    yesterday = now.astimezone(team.zone).date() - timedelta(days=1)
    first_call = CallLog.objects.filter(campaign__team=team).aggregate(first=Min("called_on"))
    if first_call["first"] is None:
        return 0
    start = max(yesterday - timedelta(days=LOOKBACK_DAYS - 1), first_call["first"])
    actor = _feed_actor(team)
    if actor is None or start > yesterday:
        return 0
    figures = daily_call_figures(team, start, yesterday)
    written_before = {value.day: value for value in feed.values.filter(day__gte=start)}
    by_hand = set(
        Measurement.objects.filter(
            control_point=feed.control_point, measured_on__gte=start, voided_at__isnull=True
        ).values_list("measured_on", flat=True)
    )
    written = 0
    day = start
    while day <= yesterday:
        if day.isoweekday() in team.working_days:
            value = metric_value(feed.metric, figures.get(day))
            if value is not None:
                written += _write(
                    feed, actor, day, value, written_before.get(day), by_hand, now=now
                )
        day += timedelta(days=1)
    return written


def _write(feed, actor, day, value, before: FeedValue | None, by_hand: set[date], *, now) -> int:
    if before is not None:
        if before.value == value:
            return 0
        with transaction.atomic():
            cycle_services.measurement_correct(
                actor=actor, measurement_id=before.measurement_id, value=value, reason=RECOMPUTED
            )
            FeedValue.objects.filter(pk=before.pk).update(value=value)
        return 1
    if day in by_hand:
        return 0  # entered by hand before the feed: kept as entered
    with transaction.atomic():
        measurement = cycle_services.measurement_record(
            actor=actor,
            control_point_id=feed.control_point_id,
            value=value,
            measured_on=day,
            confirm_date=True,
            now=now,
        )
        FeedValue.objects.create(feed=feed, day=day, value=value, measurement_id=measurement.pk)
    return 1
