"""Writes to issued standard work: issuing checklists, ticks, undos and misses.

Issuing is a reconciliation: it asks the database what is due now in each
person's own time zone and makes it so, so running it twice, late, or in two
workers at once leaves one result. A change to a check takes the row lock,
then checks that the actor may see it (CheckGone, a 404, when not: an outsider
cannot tell a foreign id from a missing one), that they own it (403) and that
its day is current, then validates and writes.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Prefetch
from django.http import Http404
from django.utils import timezone

from leanops.base.baked import baked, baked_insert, baked_update
from roles import policy as organisation
from roles.models import User
from roles.selectors import PersonPlace, person_places
from standardwork import calendar, policy
from standardwork.models import (
    Absence,
    Check,
    CheckEvent,
    Checklist,
    MissReason,
    StandardWorkTemplate,
    TemplateItem,
    TemplateVersion,
)
from standardwork.services.adherence import adherence_weeks_invalidate

# How far back a tick fills in days the worker was down for.
CATCH_UP_DAYS = 14


CHECK_GONE = "That item no longer exists; reload the page."


class CheckGone(Http404):
    """The item no longer exists, or it is not the actor's to see.

    One answer for both (the project's 404, with this message), so that nobody
    learns which ids exist by trying them.
    """


# --- issuing ------------------------------------------------------------------


def _active_templates() -> list[StandardWorkTemplate]:
    """Active templates, each with its versions (newest first) and their items.

    Three queries. A template has few versions; the issuer picks, for each day,
    the one in effect on it (`_items_on`).
    """
    templates = list(StandardWorkTemplate.objects.filter(is_active=True))
    versions = TemplateVersion.objects.filter(template__in=templates).prefetch_related(
        Prefetch("items", queryset=TemplateItem.objects.order_by("position"))
    )
    by_template: dict[int, list[TemplateVersion]] = defaultdict(list)
    for version in versions:
        by_template[version.template_id].append(version)
    for template in templates:
        template.issued_versions = sorted(
            by_template.get(template.pk, []),
            key=lambda version: (version.effective_from, version.number),
            reverse=True,
        )
    return templates


def version_in_effect(versions: list[TemplateVersion], day: date) -> TemplateVersion | None:
    """The version in effect on `day`: the latest that took effect on or before it.

    `versions` newest first. A day before the first version took effect (a catch-up
    of a day before the template existed) gets the first version: none was before it.
    """
    for version in versions:
        if version.effective_from <= day:
            return version
    return min(versions, key=lambda version: version.number) if versions else None


def _items_on(template: StandardWorkTemplate, day: date) -> list[TemplateItem]:
    version = version_in_effect(template.issued_versions, day)
    return list(version.items.all()) if version is not None else []


def _template_applies(template: StandardWorkTemplate, place: PersonPlace) -> bool:
    if template.team_id:
        key = (template.layer, "team", template.team_id)
    elif template.value_stream_id:
        key = (template.layer, "vs", template.value_stream_id)
    else:
        key = (template.layer, "all", None)
    return key in place.scopes


def _due_items(
    templates: list[StandardWorkTemplate], place: PersonPlace, day: date
) -> list[TemplateItem]:
    items = []
    for template in templates:
        if _template_applies(template, place):
            items.extend(
                item
                for item in _items_on(template, day)
                if calendar.is_due(item, day, place.working_days)
            )
    return items


def _issue(*, place: PersonPlace, day: date, items: list[TemplateItem]) -> Checklist | None:
    """Create one person's checklist for one day, once.

    The unique (owner, date) constraint decides between two issuers racing:
    the one that creates the checklist adds its checks; the other finds it.
    With no items the checklist is still created, empty: it records that the
    day was reconciled, so the page does not look again on every visit.
    """
    with transaction.atomic():
        checklist, created = Checklist.objects.get_or_create(
            owner_id=place.user_id, date=day, defaults={"time_zone": place.time_zone}
        )
        if created:
            Check.objects.bulk_create(
                [
                    Check(checklist=checklist, item=item, position=position)
                    for position, item in enumerate(items)
                ],
                ignore_conflicts=True,
            )
            adherence_weeks_invalidate(days=[day])
    return checklist


def _issue_many(wanted: list[tuple[PersonPlace, date, list[TemplateItem]]]) -> int:
    """Create many people's checklists for their days, once each, in three statements;
    return how many this call created.

    As in `_issue`, the unique constraints decide between issuers racing: the
    checklists insert skips a (person, day) another issuer holds, waiting for it
    to commit, and that issuer's checklist has its checks by then (one
    transaction), so the checklists without checks afterwards are this call's.
    """
    if not wanted:
        return 0
    with transaction.atomic():
        Checklist.objects.bulk_create(
            [
                Checklist(owner_id=place.user_id, date=day, time_zone=place.time_zone)
                for place, day, _items in wanted
            ],
            ignore_conflicts=True,
        )
        items_for = {(place.user_id, day): items for place, day, items in wanted}
        created = [
            checklist
            for checklist in Checklist.objects.filter(
                owner_id__in={owner for owner, _day in items_for},
                date__range=(min(day for _owner, day in items_for), max(d for _o, d in items_for)),
            )
            .exclude(Exists(Check.objects.filter(checklist=OuterRef("pk"))))
            .only("pk", "owner_id", "date")
            if (checklist.owner_id, checklist.date) in items_for
        ]
        Check.objects.bulk_create(
            [
                Check(checklist_id=checklist.pk, item=item, position=position)
                for checklist in created
                for position, item in enumerate(items_for[(checklist.owner_id, checklist.date)])
            ],
            ignore_conflicts=True,
        )
        # A catch-up after a long outage may issue into a week already summarised.
        adherence_weeks_invalidate(days={checklist.date for checklist in created})
    return len(created)


def _absent_days(user_ids: Iterable[int], start: date, end: date) -> dict[int, set[date]]:
    days: dict[int, set[date]] = defaultdict(set)
    for absence in Absence.objects.filter(
        person_id__in=list(user_ids), start_date__lte=end, end_date__gte=start
    ):
        day = max(absence.start_date, start)
        while day <= min(absence.end_date, end):
            days[absence.person_id].add(day)
            day += timedelta(days=1)
    return days


def checklists_issue_due(*, now: datetime | None = None) -> int:
    """Issue every checklist due up to each person's local today; return how many were new.

    Catches up the days since a person's last checklist (at most
    CATCH_UP_DAYS back); skips non-working days and recorded absences.
    Safe to run any number of times, in parallel.
    """
    now = now or timezone.now()
    places = person_places()
    if not places:
        return 0
    templates = _active_templates()
    last_issued = dict(
        Checklist.objects.filter(owner_id__in=places)
        .values("owner_id")
        .annotate(last=Max("date"))
        .values_list("owner_id", "last")
    )
    todays = {
        user_id: calendar.local_date(now, place.time_zone) for user_id, place in places.items()
    }
    earliest = min(todays.values()) - timedelta(days=CATCH_UP_DAYS)
    absent = _absent_days(places, earliest, max(todays.values()))
    wanted: list[tuple[PersonPlace, date, list[TemplateItem]]] = []
    for user_id, place in places.items():
        today = todays[user_id]
        last = last_issued.get(user_id)
        if last is not None and last >= today:
            continue
        start = (
            today
            if last is None
            else max(last + timedelta(days=1), today - timedelta(days=CATCH_UP_DAYS))
        )
        day = start
        while day <= today:
            if day.isoweekday() in place.working_days and day not in absent[user_id]:
                items = _due_items(templates, place, day)
                if items:
                    wanted.append((place, day, items))
            day += timedelta(days=1)
    # Days after each person's last checklist: none exists yet unless another
    # issuer is at work, which _issue_many leaves to the constraints.
    return _issue_many(wanted)


# Asked by every request of My standard work: compiled once (leanops.base.baked).
_todays_checklist = baked(
    lambda owner_id, day: Checklist.objects.filter(owner_id=owner_id, date=day).order_by("pk")[:1]
)


def checklist_issue_today(*, user: User, now: datetime | None = None) -> Checklist | None:
    """Today's checklist for `user`, issued now if the worker has not yet."""
    place = person_places(user_ids=[user.pk]).get(user.pk)
    if place is None:
        return None
    today = calendar.local_date(now or timezone.now(), place.time_zone)
    existing = next(iter(_todays_checklist(owner_id=user.pk, day=today)), None)
    if existing is not None:
        return existing
    if today.isoweekday() not in place.working_days:
        return None
    if Absence.objects.filter(person=user, start_date__lte=today, end_date__gte=today).exists():
        return None
    return _issue(place=place, day=today, items=_due_items(_active_templates(), place, today))


# --- ticking ------------------------------------------------------------------


# Every tick, undo and miss locks its check: compiled once (leanops.base.baked).
_locked_check = baked(
    lambda check_id: (
        Check.objects.select_for_update(of=("self",))
        .select_related("checklist__owner", "item")
        .filter(pk=check_id)
        .order_by("pk")[:1]
    )
)


def check_lock(check_id: int, *, actor: User) -> Check:
    """Call inside a transaction: the check, row-locked, with its checklist, owner and item.

    CheckGone (a 404) when it does not exist or `actor` may not see its owner's
    standard work (their own, or of a layer below them); whether they may change
    it is for the caller to ask next, and refuse with a 403.
    """
    check = next(iter(_locked_check(check_id=check_id)), None)
    if check is None or not organisation.can_view_person(actor, check.checklist.owner):
        raise CheckGone(CHECK_GONE)
    return check


def _require_own_current_check(actor: User, check: Check, now: datetime | None) -> None:
    organisation.require(policy.can_change_check(actor, check), policy.OWN_CHECKS_ONLY)
    today = calendar.local_date(now or timezone.now(), check.checklist.time_zone)
    if not calendar.same_period(check.item.cadence, check.checklist.date, today):
        raise ValidationError(
            f"That item is from {check.checklist.date:%A} {check.checklist.date.day} "
            f"{check.checklist.date:%B}; only today's can be changed."
        )


# Every tick, undo and miss writes one: compiled once (leanops.base.baked).
_event_insert = baked_insert(CheckEvent, "check_item_id", "actor_id", "kind", "text", "at")


def check_event_add(
    check: Check, actor: User | None, kind: str, text: str = "", now: datetime | None = None
) -> None:
    """Append to the check's history, stamped with the change's own instant (`now`):
    history is written once and never backdated or changed afterwards."""
    _event_insert(
        check_item_id=check.pk,
        actor_id=actor.pk if actor is not None else None,
        kind=kind,
        text=text[:500],
        at=now or timezone.now(),
    )


# A tick and its undo are the most frequent writes of the day: their statements are
# compiled once (leanops.base.baked). Both write what check_mark_missed's save writes.
_check_done = baked_update(
    lambda check_id, done_at, minutes: (
        Check.objects.filter(pk=check_id),
        {"status": Check.Status.DONE, "done_at": done_at, "actual_minutes": minutes,
         "miss_reason": None, "miss_reason_text": "", "miss_note": ""},
    )
)  # fmt: skip
_check_reopen = baked_update(
    lambda check_id: (
        Check.objects.filter(pk=check_id),
        {"status": Check.Status.OPEN, "done_at": None, "actual_minutes": None,
         "miss_reason": None, "miss_reason_text": "", "miss_note": ""},
    )
)  # fmt: skip


@transaction.atomic
def check_tick(*, actor: User, check_id: int, now: datetime | None = None) -> Check:
    """Mark an item done. A second tap on a done item changes nothing."""
    check = check_lock(check_id, actor=actor)
    _require_own_current_check(actor, check, now)
    if check.status == Check.Status.DONE:
        return check
    check.status = Check.Status.DONE
    check.done_at = now or timezone.now()
    check.actual_minutes = check.item.expected_minutes
    check.miss_reason = None
    check.miss_reason_text = ""
    check.miss_note = ""
    _check_done(check_id=check.pk, done_at=check.done_at, minutes=check.actual_minutes)
    check_event_add(check, actor, CheckEvent.Kind.TICK, now=check.done_at)
    adherence_weeks_invalidate(days=[check.checklist.date], now=now)
    return check


@transaction.atomic
def check_undo(*, actor: User, check_id: int, now: datetime | None = None) -> Check:
    """Reopen a ticked or missed item, on the day it was changed."""
    check = check_lock(check_id, actor=actor)
    _require_own_current_check(actor, check, now)
    if check.status == Check.Status.OPEN:
        return check
    if check.status == Check.Status.DONE and check.done_at is not None:
        done_day = calendar.local_date(check.done_at, check.checklist.time_zone)
        today = calendar.local_date(now or timezone.now(), check.checklist.time_zone)
        if done_day != today:
            raise ValidationError("A tick can be undone only on the day it was made.")
    check.status = Check.Status.OPEN
    check.done_at = None
    check.actual_minutes = None
    check.miss_reason = None
    check.miss_reason_text = ""
    check.miss_note = ""
    _check_reopen(check_id=check.pk)
    check_event_add(check, actor, CheckEvent.Kind.UNDO, now=now)
    adherence_weeks_invalidate(days=[check.checklist.date], now=now)
    return check


@transaction.atomic
def check_mark_missed(
    *,
    actor: User,
    check_id: int,
    note: str,
    reason: MissReason | None = None,
    reason_text: str = "",
    now: datetime | None = None,
) -> Check:
    """Mark an item missed; a reason (from the list or typed) and a note are required."""
    check = check_lock(check_id, actor=actor)
    _require_own_current_check(actor, check, now)
    reason_text = reason_text.strip()
    note = note.strip()
    errors = {}
    if reason is None and not reason_text:
        errors["reason"] = "Choose a reason or type one."
    if not note:
        errors["note"] = "Say in a few words what happened."
    if errors:
        raise ValidationError(errors)
    check.status = Check.Status.MISSED
    check.done_at = None
    check.actual_minutes = None
    check.miss_reason = reason
    check.miss_reason_text = "" if reason else reason_text
    check.miss_note = note
    check.full_clean(exclude=["checklist", "item", "verified_by", "miss_reason"])
    check.save(
        update_fields=[
            "status", "done_at", "actual_minutes", "miss_reason", "miss_reason_text", "miss_note",
        ]
    )  # fmt: skip
    check_event_add(check, actor, CheckEvent.Kind.MISS, f"{check.reason_label}: {note}", now)
    adherence_weeks_invalidate(days=[check.checklist.date], now=now)
    return check
