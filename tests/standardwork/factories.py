"""Factories for standard work. Like tests/roles/factories.py they write rows
directly, for arranging tests; the behaviour under test goes through services,
forms or views.

    item = TemplateItemFactory(title="Head the stand-up")        # template, version 1
    check = CheckFactory(checklist__owner=leader, item=item)      # today's checklist (UTC)
    CheckFactory(status=Check.Status.DONE)                        # done_at set for you
"""

from datetime import date

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from roles.models import Layer
from standardwork.models import (
    Absence,
    Check,
    CheckEvent,
    Checklist,
    MissReason,
    Notice,
    StandardWorkTemplate,
    TemplateItem,
    TemplateVersion,
)
from tests.roles.factories import UserFactory


class StandardWorkTemplateFactory(DjangoModelFactory):
    """A template for everyone in a layer; pass team= or value_stream= to scope it."""

    class Meta:
        model = StandardWorkTemplate
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Standard work {n}")
    layer = Layer.TL
    team = None
    value_stream = None
    is_active = True


class TemplateVersionFactory(DjangoModelFactory):
    class Meta:
        model = TemplateVersion
        skip_postgeneration_save = True

    template = factory.SubFactory(StandardWorkTemplateFactory)
    number = factory.Sequence(lambda n: n + 1)
    note = "First version"
    created_by = None
    effective_from = date(2020, 1, 1)  # in effect on any day a test issues


class TemplateItemFactory(DjangoModelFactory):
    """A daily *do* item; for weekly/monthly set cadence with weekday/day_of_month."""

    class Meta:
        model = TemplateItem
        skip_postgeneration_save = True

    version = factory.SubFactory(TemplateVersionFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Routine {n}")
    cadence = TemplateItem.Cadence.DAILY
    weekday = None
    day_of_month = None
    expected_minutes = 10
    kind = TemplateItem.Kind.DO


class ChecklistFactory(DjangoModelFactory):
    class Meta:
        model = Checklist
        django_get_or_create = ["owner", "date"]
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    date = factory.LazyFunction(lambda: timezone.now().date())
    time_zone = "UTC"


class MissReasonFactory(DjangoModelFactory):
    class Meta:
        model = MissReason
        django_get_or_create = ["label"]
        skip_postgeneration_save = True

    label = factory.Sequence(lambda n: f"Reason {n}")
    position = factory.Sequence(lambda n: 100 + n)


class CheckFactory(DjangoModelFactory):
    """An open check; status=DONE fills done_at and minutes, status=MISSED a reason and note."""

    class Meta:
        model = Check
        skip_postgeneration_save = True

    checklist = factory.SubFactory(ChecklistFactory)
    item = factory.SubFactory(TemplateItemFactory)
    position = factory.LazyAttribute(lambda check: check.item.position)
    status = Check.Status.OPEN
    done_at = factory.Maybe(
        factory.LazyAttribute(lambda check: check.status == Check.Status.DONE),
        yes_declaration=factory.LazyFunction(timezone.now),
        no_declaration=None,
    )
    actual_minutes = factory.Maybe(
        factory.LazyAttribute(lambda check: check.status == Check.Status.DONE),
        yes_declaration=factory.LazyAttribute(lambda check: check.item.expected_minutes),
        no_declaration=None,
    )
    miss_reason = factory.Maybe(
        factory.LazyAttribute(lambda check: check.status == Check.Status.MISSED),
        yes_declaration=factory.LazyFunction(lambda: MissReason.objects.order_by("pk").first()),
        no_declaration=None,
    )
    miss_note = factory.Maybe(
        factory.LazyAttribute(lambda check: check.status == Check.Status.MISSED),
        yes_declaration="Ran over",
        no_declaration="",
    )


class CheckEventFactory(DjangoModelFactory):
    class Meta:
        model = CheckEvent
        skip_postgeneration_save = True

    check_item = factory.SubFactory(CheckFactory)
    actor = factory.LazyAttribute(lambda event: event.check_item.checklist.owner)
    kind = CheckEvent.Kind.TICK
    text = ""


class NoticeFactory(DjangoModelFactory):
    class Meta:
        model = Notice
        skip_postgeneration_save = True

    recipient = factory.SubFactory(UserFactory)
    kind = Notice.Kind.COUNTERMEASURE
    date = factory.LazyFunction(lambda: timezone.now().date())
    text = factory.Sequence(lambda n: f"Notice {n}")
    url = "/standard-work/"


class AbsenceFactory(DjangoModelFactory):
    class Meta:
        model = Absence
        skip_postgeneration_save = True

    person = factory.SubFactory(UserFactory)
    start_date = factory.LazyFunction(lambda: timezone.now().date())
    end_date = factory.LazyAttribute(lambda absence: absence.start_date)
    reason = Absence.Reason.LEAVE


def template_with_items(
    *, layer: str = Layer.TL, titles: list[str], team=None, value_stream=None, **item_fields
) -> list[TemplateItem]:
    """A version-1 template with one item per title, in order."""
    version = TemplateVersionFactory(
        template=StandardWorkTemplateFactory(layer=layer, team=team, value_stream=value_stream),
        number=1,
    )
    return [
        TemplateItemFactory(version=version, position=position, title=title, **item_fields)
        for position, title in enumerate(titles)
    ]
