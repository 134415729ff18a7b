"""Writes to standard-work templates: a template and its numbered versions.

A template's items change only by a new version; checklists already issued
keep the version they were issued from.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from roles.models import Team, User, ValueStream
from standardwork import policy
from standardwork.models import StandardWorkTemplate, TemplateItem, TemplateVersion


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
