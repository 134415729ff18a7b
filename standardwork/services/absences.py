"""Writes to leave: an absence means no checklist on its days."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef

from roles import policy as organisation
from roles.models import User
from standardwork.models import Absence, Check, CheckEvent, Checklist
from standardwork.services.adherence import adherence_weeks_invalidate


@transaction.atomic
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
    # Days already issued but now on leave lose their untouched checklist. Untouched
    # means no history too: an item ticked and undone is open again, but its events
    # stay (history is never deleted), and so does its checklist.
    Checklist.objects.filter(
        owner=person, date__range=(start_date, end_date), checks__status=Check.Status.OPEN
    ).exclude(checks__status__in=[Check.Status.DONE, Check.Status.MISSED]).exclude(
        Exists(CheckEvent.objects.filter(check_item__checklist=OuterRef("pk")))
    ).delete()
    adherence_weeks_invalidate(
        days=[start_date + timedelta(days=n) for n in range((end_date - start_date).days + 1)]
    )
    return absence
