"""Writes to standard-work templates: a template and its numbered versions.

A template's items change only by a new version. A version takes effect on a
day (`effective_from`): checklists are issued from the latest version in
effect on their day, so a new version applies from the first day not yet
issued, and checklists already issued keep the version they were issued from.
The editor may choose "from today": the new version's items due today are then
added to today's checklists that are not yet confirmed (empty ones too, which
only record that nothing was due).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from roles.models import Team, User, ValueStream
from roles.selectors import person_places
from standardwork import calendar, policy
from standardwork.models import (
    Check,
    Checklist,
    Cycle,
    StandardWorkTemplate,
    TemplateItem,
    TemplateVersion,
)
from standardwork.services.checklists import _template_applies


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


def template_today(template: StandardWorkTemplate, *, now: datetime | None = None) -> date:
    """Today where the template is worked: its team's or value stream's zone, else UTC."""
    owner = template.team or template.value_stream
    return calendar.local_date(now or timezone.now(), owner.time_zone if owner else "UTC")


def _version_create(
    *,
    template: StandardWorkTemplate,
    items: Iterable[ItemSpec],
    note: str,
    actor: User | None,
    effective_from: date,
    cycle: Cycle | None = None,
) -> TemplateVersion:
    """Call inside a transaction holding the template's row lock."""
    items = list(items)
    if not items:
        raise ValidationError({"items": "Standard work needs at least one item."})
    number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = TemplateVersion(
        template=template,
        number=number,
        note=note,
        created_by=actor,
        cycle=cycle,
        effective_from=effective_from,
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


def _add_to_todays_checklists(
    *, template: StandardWorkTemplate, version: TemplateVersion, now: datetime
) -> int:
    """Add the version's items due today to today's unconfirmed checklists of the people
    the template applies to; return how many checks were added.

    An item whose title is already on the checklist is not added again. Call inside
    the transaction that made the version.
    """
    items = list(version.items.order_by("position"))
    due: dict[tuple[int, date], list[TemplateItem]] = {}
    for place in person_places().values():
        if not _template_applies(template, place):
            continue
        today = calendar.local_date(now, place.time_zone)
        if today.isoweekday() not in place.working_days:
            continue
        todays_items = [item for item in items if calendar.is_due(item, today, place.working_days)]
        if todays_items:
            due[(place.user_id, today)] = todays_items
    if not due:
        return 0
    checklists = list(
        Checklist.objects.select_for_update()
        .filter(
            owner_id__in={owner_id for owner_id, _ in due},
            date__in={day for _, day in due},
            verified_at__isnull=True,
        )
        .order_by("pk")
    )
    checklists = [c for c in checklists if (c.owner_id, c.date) in due]
    on_list: dict[int, set[str]] = {checklist.pk: set() for checklist in checklists}
    last_position: dict[int, int] = {checklist.pk: -1 for checklist in checklists}
    for checklist_id, title, position in Check.objects.filter(checklist__in=checklists).values_list(
        "checklist_id", "item__title", "position"
    ):
        on_list[checklist_id].add(title)
        last_position[checklist_id] = max(last_position[checklist_id], position)
    added = []
    for checklist in checklists:
        position = last_position[checklist.pk]
        for item in due[(checklist.owner_id, checklist.date)]:
            if item.title in on_list[checklist.pk]:
                continue
            position += 1
            added.append(Check(checklist=checklist, item=item, position=position))
    Check.objects.bulk_create(added, ignore_conflicts=True)
    return len(added)


@transaction.atomic
def template_create(
    *,
    actor: User,
    name: str,
    layer: str,
    items: Iterable[ItemSpec],
    team: Team | None = None,
    value_stream: ValueStream | None = None,
    note: str = "First version",
    now: datetime | None = None,
) -> StandardWorkTemplate:
    """A new template and its first version, in effect from today where it is worked.

    Today's checklists already issued are not changed; the first version also serves
    any earlier day issued late (a catch-up), as no version was in effect before it.
    """
    _require_template_editor(actor, team=team, value_stream=value_stream)
    template = StandardWorkTemplate(name=name, layer=layer, team=team, value_stream=value_stream)
    template.full_clean()
    template.save()
    _version_create(
        template=template,
        items=items,
        note=note,
        actor=actor,
        effective_from=template_today(template, now=now),
    )
    return template


@transaction.atomic
def template_version_create(
    *,
    actor: User,
    template_id: int,
    items: Iterable[ItemSpec],
    note: str,
    from_today: bool = False,
    now: datetime | None = None,
) -> TemplateVersion:
    """A new version by the template's editor, in effect from today where it is worked.

    People whose checklist of today is already issued get it from their next day,
    unless `from_today`: then its items due today are added to today's checklists
    that are not yet confirmed.
    """
    now = now or timezone.now()
    template = (
        # of=self: PostgreSQL cannot lock the nullable side of the outer joins.
        StandardWorkTemplate.objects.select_for_update(of=("self",))
        .select_related("team", "value_stream")
        .filter(pk=template_id)
        .first()
    )
    if template is None:
        raise ValidationError("That standard work no longer exists.")
    _require_template_editor(actor, team=template.team, value_stream=template.value_stream)
    version = _version_create(
        template=template,
        items=items,
        note=note,
        actor=actor,
        effective_from=template_today(template, now=now),
    )
    if from_today:
        _add_to_todays_checklists(template=template, version=version, now=now)
    return version


@transaction.atomic
def template_version_adopt(
    *,
    template_id: int,
    items: Iterable[ItemSpec],
    note: str,
    cycle: Cycle,
    actor: User,
    effective_from: date,
) -> TemplateVersion:
    """The version an improvement cycle's adoption makes, in effect from `effective_from`.

    For the cycle service only, which has checked its own rule (policy.can_adopt_cycle)
    under the cycle's lock: the template editor's rule is not the one that applies.
    """
    template = StandardWorkTemplate.objects.select_for_update().get(pk=template_id)
    return _version_create(
        template=template,
        items=items,
        note=note,
        actor=actor,
        cycle=cycle,
        effective_from=effective_from,
    )
