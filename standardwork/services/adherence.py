"""Writes behind the results pages: the default miss reasons and layer targets a
fresh database needs (targets are edited in the admin), and the weekly summaries
the dashboard's trends read (`AdherenceWeek`)."""

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from roles import cache as organisation_cache
from standardwork import calendar
from standardwork.defaults import LAYER_TARGETS, MISS_REASONS
from standardwork.models import AdherenceWeek, LayerTarget, MissReason, SummarisedWeek, TemplateItem
from standardwork.selectors.adherence import week_counts

# How many closed weeks the tick keeps summarised: the dashboard's trend and a few
# more for browsing back; an older week is counted live, the same figures, slower.
SUMMARY_WEEKS = 12


@transaction.atomic
def standard_defaults_ensure() -> None:
    """Put back the default miss reasons and layer targets where they are missing.

    Migration 0002 adds them; a database emptied since (a flush) gets them here.
    """
    existing = set(MissReason.objects.values_list("label", flat=True))
    MissReason.objects.bulk_create(
        [
            MissReason(label=label, position=position)
            for position, label in enumerate(MISS_REASONS)
            if label not in existing
        ],
        ignore_conflicts=True,
    )
    LayerTarget.objects.bulk_create(
        [
            LayerTarget(layer=layer, target_percent=percent)
            for layer, percent in LAYER_TARGETS.items()
        ],
        ignore_conflicts=True,
    )
    layer_targets_changed()


def layer_targets_changed() -> None:
    """The layers' targets changed: the pages stop using the ones they kept."""
    organisation_cache.organisation_changed()


# --- weekly summaries -------------------------------------------------------------------


def _monday(day: date) -> date:
    return calendar.period_start(TemplateItem.Cadence.WEEKLY, day)


def adherence_week_closed(monday: date, now: datetime) -> bool:
    """Whether the week of `monday` is over in every time zone at `now`.

    Its Sunday has ended everywhere once the UTC date is two days past it (local
    dates run at most a day ahead of UTC): a week still running somewhere is never
    summarised, so a write into it needs no invalidation.
    """
    return monday + timedelta(days=7) <= now.astimezone(UTC).date() - timedelta(days=1)


def adherence_weeks_invalidate(*, days: Iterable[date], now: datetime | None = None) -> int:
    """Mark stale the summarised weeks of `days` whose checks a write has just changed.

    Call it inside the writing transaction. Only closed weeks are summarised, so a
    write into a running week (every tick of a daily item) costs no query. The
    update waits for a summariser counting the week at the same moment (it holds the
    `SummarisedWeek` row), so the mark is never lost under it.
    """
    now = now or timezone.now()
    mondays = {_monday(day) for day in days}
    closed = [monday for monday in mondays if adherence_week_closed(monday, now)]
    if not closed:
        return 0
    return SummarisedWeek.objects.filter(week_start__in=closed, stale=False).update(stale=True)


@transaction.atomic
def adherence_week_summarise(*, week_start: date, now: datetime | None = None) -> int:
    """Count everyone's checks of one closed week into `AdherenceWeek`; return the rows.

    Recounting a week gives the same rows. The week's `SummarisedWeek` row is locked
    first, so a write marking the week stale meanwhile waits and is counted next time.
    """
    now = now or timezone.now()
    SummarisedWeek.objects.get_or_create(week_start=week_start)
    marker = SummarisedWeek.objects.select_for_update().get(week_start=week_start)
    counts = week_counts(mondays=[week_start])
    AdherenceWeek.objects.filter(week_start=week_start).exclude(
        owner_id__in=[owner_id for owner_id, _monday in counts]
    ).delete()
    AdherenceWeek.objects.bulk_create(
        [
            AdherenceWeek(
                owner_id=owner_id,
                week_start=monday,
                done=week.done,
                missed=week.missed,
                open=week.open,
                open_monthly=week.open_monthly,
                reds=week.reds,
            )
            for (owner_id, monday), week in counts.items()
        ],
        update_conflicts=True,
        unique_fields=["week_start", "owner"],
        update_fields=["done", "missed", "open", "open_monthly", "reds"],
        batch_size=1000,
    )
    marker.stale = False
    marker.summarised_at = now
    marker.save(update_fields=["stale", "summarised_at"])
    return len(counts)


def adherence_weeks_summarise(*, now: datetime | None = None, weeks: int = SUMMARY_WEEKS) -> int:
    """The beat tick: summarise the last `weeks` closed weeks not yet summarised, or
    marked stale since; return how many weeks it counted (none on a second run)."""
    now = now or timezone.now()
    last = _monday(now.astimezone(UTC).date())
    while not adherence_week_closed(last, now):
        last -= timedelta(weeks=1)
    mondays = [last - timedelta(weeks=back) for back in range(weeks)]
    current = set(
        SummarisedWeek.objects.filter(week_start__in=mondays, stale=False).values_list(
            "week_start", flat=True
        )
    )
    due = sorted(monday for monday in mondays if monday not in current)
    for monday in due:
        adherence_week_summarise(week_start=monday, now=now)
    return len(due)
