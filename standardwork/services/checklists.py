"""All writes to standard work: templates, issuing, ticks, misses, verification,
countermeasures, absences and reminders.

Every service checks the access policy before it writes and writes nothing
when it refuses. Issuing and reminders are reconciliations: they ask the
database what is due now in each person's own time zone and make it so, so
running them twice, late, or in two workers at once leaves one result.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone

from roles import policy as organisation
from roles.models import Layer, Team, User, ValueStream
from roles.selectors import PersonPlace, person_places
from standardwork import calendar, policy
from standardwork.defaults import LAYER_TARGETS, MISS_REASONS
from standardwork.models import (
    Absence,
    Check,
    CheckEvent,
    Checklist,
    LayerTarget,
    MissReason,
    Notice,
    StandardWorkTemplate,
    TemplateItem,
    TemplateVersion,
)
from standardwork.services import followup

# How far back a tick fills in days the worker was down for.
CATCH_UP_DAYS = 14
# When a person with open items due today is reminded, in their local time.
REMINDER_TIME = time(15, 0)

DEFAULT_TARGETS = {Layer(layer): percent for layer, percent in LAYER_TARGETS.items()}


class CheckGone(Exception):
    """The item, or the checklist it was on, no longer exists."""


# --- templates ----------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    title: str
    cadence: str = TemplateItem.Cadence.DAILY
    expected_minutes: int = 5
    kind: str = TemplateItem.Kind.DO
    weekday: int | None = None
    day_of_month: int | None = None


def _require_template_editor(
    actor: User, *, team: Team | None = None, value_stream: ValueStream | None = None
) -> None:
    refusal = policy.template_editor_refusal(actor, team=team, value_stream=value_stream)
    if refusal:
        raise PermissionDenied(refusal)


def _version_create(
    *,
    template: StandardWorkTemplate,
    items: Iterable[ItemSpec],
    note: str,
    actor: User | None,
    cycle=None,
) -> TemplateVersion:
    items = list(items)
    if not items:
        raise ValidationError({"items": "Standard work needs at least one item."})
    number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = TemplateVersion(
        template=template, number=number, note=note, created_by=actor, cycle=cycle
    )
    version.full_clean(exclude=["template", "cycle"])
    version.save()
    rows = []
    for position, spec in enumerate(items):
        item = TemplateItem(
            version=version,
            position=position,
            title=spec.title,
            cadence=spec.cadence,
            weekday=spec.weekday if spec.cadence == TemplateItem.Cadence.WEEKLY else None,
            day_of_month=spec.day_of_month
            if spec.cadence == TemplateItem.Cadence.MONTHLY
            else None,
            expected_minutes=spec.expected_minutes,
            kind=spec.kind,
        )
        item.full_clean(exclude=["version"])
        rows.append(item)
    TemplateItem.objects.bulk_create(rows)
    return version


@transaction.atomic
def template_create(
    *,
    actor: User,
    name: str,
    layer: str,
    items: Iterable[ItemSpec],
    team=None,
    value_stream=None,
    note: str = "First version",
) -> StandardWorkTemplate:
    _require_template_editor(actor, team=team, value_stream=value_stream)
    template = StandardWorkTemplate(name=name, layer=layer, team=team, value_stream=value_stream)
    template.full_clean()
    template.save()
    _version_create(template=template, items=items, note=note, actor=actor)
    return template


@transaction.atomic
def template_revise(
    *,
    actor: User | None,
    template: StandardWorkTemplate,
    items: Iterable[ItemSpec],
    note: str,
    cycle=None,
    check_access: bool = True,
) -> TemplateVersion:
    """A new version of the template; checklists already issued keep theirs.

    `cycle` links the version to the improvement cycle whose adoption made it;
    the cycle service checks its own access and passes check_access=False.
    """
    if check_access:
        if actor is None:
            raise PermissionDenied("Standard work changes need someone who makes them.")
        _require_template_editor(actor, team=template.team, value_stream=template.value_stream)
    template = StandardWorkTemplate.objects.select_for_update().get(pk=template.pk)
    return _version_create(template=template, items=items, note=note, actor=actor, cycle=cycle)


def layer_target_percent(layer: str) -> int:
    target = LayerTarget.objects.filter(layer=layer).first()
    return target.target_percent if target else DEFAULT_TARGETS[Layer(layer)]


@transaction.atomic
def layer_target_set(*, actor: User, layer: str, target_percent: int) -> LayerTarget:
    organisation.require(actor.is_superuser, "Only an administrator changes a layer's target.")
    target, _ = LayerTarget.objects.select_for_update().get_or_create(
        layer=layer, defaults={"target_percent": DEFAULT_TARGETS[Layer(layer)]}
    )
    target.target_percent = target_percent
    target.full_clean()
    target.save(update_fields=["target_percent"])
    return target


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


# --- absences -----------------------------------------------------------------


@transaction.atomic
def absence_record(
    *, actor: User, person: User, start_date: date, end_date: date, reason: str = "leave"
) -> Absence:
    organisation.require(
        actor.pk == person.pk or organisation.can_view_person(actor, person),
        "You can record leave only for yourself or the people you lead.",
    )
    absence = Absence(
        person=person, start_date=start_date, end_date=end_date, reason=reason, created_by=actor
    )
    absence.full_clean()
    absence.save()
    # Days already issued but now on leave lose their untouched checklist.
    Checklist.objects.filter(
        owner=person, date__range=(start_date, end_date), checks__status=Check.Status.OPEN
    ).exclude(checks__status__in=[Check.Status.DONE, Check.Status.MISSED]).delete()
    return absence


# --- issuing ------------------------------------------------------------------


def _active_templates() -> list[StandardWorkTemplate]:
    """Active templates with the items of their latest version, in three queries."""
    templates = list(StandardWorkTemplate.objects.filter(is_active=True))
    latest = (
        TemplateVersion.objects.filter(template__in=templates)
        .values("template_id")
        .annotate(number=Max("number"))
    )
    wanted = {(row["template_id"], row["number"]) for row in latest}
    versions = TemplateVersion.objects.filter(
        template__in=templates, number__in={number for _, number in wanted}
    ).prefetch_related(Prefetch("items", queryset=TemplateItem.objects.order_by("position")))
    items_by_template = {
        version.template_id: list(version.items.all())
        for version in versions
        if (version.template_id, version.number) in wanted
    }
    for template in templates:
        template.current_items = items_by_template.get(template.pk, [])
    return templates


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
                for item in template.current_items
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
    return checklist


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
    issued = 0
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
                if items and not Checklist.objects.filter(owner_id=user_id, date=day).exists():
                    _issue(place=place, day=day, items=items)
                    issued += 1
            day += timedelta(days=1)
    return issued


def person_today(user: User, *, now: datetime | None = None) -> date:
    place = person_places(user_ids=[user.pk]).get(user.pk)
    return calendar.local_date(now or timezone.now(), place.time_zone if place else "UTC")


def checklist_issue_today(*, user: User, now: datetime | None = None) -> Checklist | None:
    """Today's checklist for `user`, issued now if the worker has not yet."""
    place = person_places(user_ids=[user.pk]).get(user.pk)
    if place is None:
        return None
    today = calendar.local_date(now or timezone.now(), place.time_zone)
    existing = Checklist.objects.filter(owner=user, date=today).first()
    if existing is not None:
        return existing
    if today.isoweekday() not in place.working_days:
        return None
    if Absence.objects.filter(person=user, start_date__lte=today, end_date__gte=today).exists():
        return None
    return _issue(place=place, day=today, items=_due_items(_active_templates(), place, today))


# --- ticking ------------------------------------------------------------------


def _locked_check(check_id: int) -> Check:
    """Call inside a transaction: the check, row-locked, with its checklist and item."""
    try:
        return (
            Check.objects.select_for_update(of=("self",))
            .select_related("checklist", "item")
            .get(pk=check_id)
        )
    except Check.DoesNotExist:
        raise CheckGone("That item no longer exists; reload the page.") from None


def _require_own_current_check(actor: User, check: Check, now: datetime | None) -> None:
    if check.checklist.owner_id != actor.pk:
        raise PermissionDenied("You can only change your own standard work.")
    today = calendar.local_date(now or timezone.now(), check.checklist.time_zone)
    if not calendar.same_period(check.item.cadence, check.checklist.date, today):
        raise ValidationError(
            f"That item is from {check.checklist.date:%A} {check.checklist.date.day} "
            f"{check.checklist.date:%B}; only today's can be changed."
        )


def _event(check: Check, actor: User | None, kind: str, text: str = "") -> None:
    CheckEvent.objects.create(check_item=check, actor=actor, kind=kind, text=text[:500])


@transaction.atomic
def check_tick(*, actor: User, check_id: int, now: datetime | None = None) -> Check:
    """Mark an item done. A second tap on a done item changes nothing."""
    check = _locked_check(check_id)
    _require_own_current_check(actor, check, now)
    if check.status == Check.Status.DONE:
        return check
    check.status = Check.Status.DONE
    check.done_at = now or timezone.now()
    check.actual_minutes = check.item.expected_minutes
    check.miss_reason = None
    check.miss_reason_text = ""
    check.miss_note = ""
    check.save(
        update_fields=[
            "status", "done_at", "actual_minutes", "miss_reason", "miss_reason_text", "miss_note",
        ]
    )  # fmt: skip
    _event(check, actor, CheckEvent.Kind.TICK)
    return check


@transaction.atomic
def check_undo(*, actor: User, check_id: int, now: datetime | None = None) -> Check:
    """Reopen a ticked or missed item, on the day it was changed."""
    check = _locked_check(check_id)
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
    check.save(
        update_fields=[
            "status", "done_at", "actual_minutes", "miss_reason", "miss_reason_text", "miss_note",
        ]
    )  # fmt: skip
    _event(check, actor, CheckEvent.Kind.UNDO)
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
    reason_text = reason_text.strip()
    note = note.strip()
    errors = {}
    if reason is None and not reason_text:
        errors["reason"] = "Choose a reason or type one."
    if not note:
        errors["note"] = "Say in a few words what happened."
    if errors:
        raise ValidationError(errors)
    check = _locked_check(check_id)
    _require_own_current_check(actor, check, now)
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
    _event(check, actor, CheckEvent.Kind.MISS, f"{check.reason_label}: {note}")
    return check


# --- layered verification and kamishibai -------------------------------------


@transaction.atomic
def checklist_confirm(*, actor: User, checklist_id: int) -> Checklist:
    """The layer above confirms a person's day: every unverified item is confirmed."""
    checklist = Checklist.objects.select_for_update().select_related("owner").get(pk=checklist_id)
    organisation.require(
        policy.can_verify(actor, checklist.owner),
        "You verify only the standard work of the layer below you.",
    )
    checklist.verified_by = actor
    checklist.verified_at = timezone.now()
    checklist.save(update_fields=["verified_by", "verified_at"])
    checks = list(checklist.checks.filter(verification=Check.Verification.NONE))
    for check in checks:
        check.verification = Check.Verification.CONFIRMED
        check.verified_by = actor
    Check.objects.bulk_update(checks, ["verification", "verified_by"])
    CheckEvent.objects.bulk_create(
        [
            CheckEvent(check_item=check, actor=actor, kind=CheckEvent.Kind.CONFIRM)
            for check in checks
        ]
    )
    return checklist


@transaction.atomic
def check_request_countermeasure(*, actor: User, check_id: int, comment: str) -> Check:
    """Ask the owner for a countermeasure; the item stays red until they record one."""
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "Say what countermeasure you are asking for."})
    check = _locked_check(check_id)
    owner = check.checklist.owner
    organisation.require(
        policy.can_verify(actor, owner),
        "You verify only the standard work of the layer below you.",
    )
    check.verification = Check.Verification.COUNTERMEASURE_REQUESTED
    check.verification_comment = comment
    check.verified_by = actor
    check.countermeasure = ""
    check.full_clean(exclude=["checklist", "item", "verified_by", "miss_reason"])
    check.save(
        update_fields=["verification", "verification_comment", "verified_by", "countermeasure"]
    )
    _event(check, actor, CheckEvent.Kind.REQUEST_COUNTERMEASURE, comment)
    followup.notice_send(
        recipient_id=owner.pk,
        kind=Notice.Kind.COUNTERMEASURE,
        day=check.checklist.date,
        text=f'{actor.display_name} asks for a countermeasure on "{check.item.title}": {comment}',
        url_name="standardwork:my_standard_work",
    )
    return check


@transaction.atomic
def check_record_countermeasure(*, actor: User, check_id: int, countermeasure: str) -> Check:
    """The owner answers a request with a countermeasure; the item turns green."""
    countermeasure = countermeasure.strip()
    if not countermeasure:
        raise ValidationError({"countermeasure": "Describe the countermeasure."})
    check = _locked_check(check_id)
    if check.checklist.owner_id != actor.pk:
        raise PermissionDenied("Only the owner of the item records its countermeasure.")
    if check.verification != Check.Verification.COUNTERMEASURE_REQUESTED:
        raise ValidationError("No countermeasure was asked for on this item.")
    check.verification = Check.Verification.COUNTERMEASURE_RECORDED
    check.countermeasure = countermeasure
    check.full_clean(exclude=["checklist", "item", "verified_by", "miss_reason"])
    check.save(update_fields=["verification", "countermeasure"])
    _event(check, actor, CheckEvent.Kind.RECORD_COUNTERMEASURE, countermeasure)
    return check


# --- reminders ----------------------------------------------------------------


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Remind each person with open items due today, once a day, after REMINDER_TIME local.

    The unique (recipient, date) reminder notice is the once-a-day guard: the
    email is queued only when this run created the notice.
    """
    now = now or timezone.now()
    sent = 0
    places = person_places()
    due: list[tuple[PersonPlace, date]] = []
    for place in places.values():
        local = now.astimezone(place.zone)
        if local.time() >= REMINDER_TIME and local.isoweekday() in place.working_days:
            due.append((place, local.date()))
    if not due:
        return 0
    already = set(
        Notice.objects.filter(
            kind=Notice.Kind.REMINDER,
            recipient_id__in=[place.user_id for place, _ in due],
            date__in={day for _, day in due},
        ).values_list("recipient_id", "date")
    )
    open_counts = defaultdict(int)
    for owner_id, day in Check.objects.filter(
        checklist__owner_id__in=[place.user_id for place, _ in due],
        checklist__date__in={day for _, day in due},
        status=Check.Status.OPEN,
    ).values_list("checklist__owner_id", "checklist__date"):
        open_counts[(owner_id, day)] += 1
    users = User.objects.in_bulk([place.user_id for place, _ in due])
    for place, day in due:
        count = open_counts.get((place.user_id, day), 0)
        if count == 0 or (place.user_id, day) in already:
            continue
        user = users[place.user_id]
        text = f"You have {count} open standard-work item{'s' if count != 1 else ''} today."
        notice = followup.notice_send(
            recipient_id=user.pk,
            kind=Notice.Kind.REMINDER,
            day=day,
            text=text,
            url_name="standardwork:my_standard_work",
            email=bool(user.email),
        )
        if notice is None:
            continue  # another run reminded them first
        sent += 1
    return sent
