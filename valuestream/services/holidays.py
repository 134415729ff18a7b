"""The listed holidays: no campaign step is due on one (`schedule`, `engine`)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from roles import policy as organisation
from roles.models import User
from valuestream import policy
from valuestream.models import Holiday


@transaction.atomic
def holiday_add(*, actor: User, day: date, name: str) -> Holiday:
    """List a holiday. Steps already scheduled on it move when the engine takes them
    (an email outside a business day waits for the next one)."""
    organisation.require(policy.can_manage_holidays(actor), policy.NOT_HOLIDAY_KEEPER)
    holiday = Holiday(date=day, name=" ".join(name.split()))
    holiday.full_clean(validate_unique=False)
    existing = Holiday.objects.filter(date=day).first()
    if existing is not None:
        raise ValidationError({"date": f"{day:%-d %B %Y} is listed already ({existing.name})."})
    try:
        with transaction.atomic():
            holiday.save()
    except IntegrityError:
        # Someone listed the same day a moment before: the unique date holds.
        raise ValidationError({"date": f"{day:%-d %B %Y} is listed already."}) from None
    return holiday


@transaction.atomic
def holiday_remove(*, actor: User, holiday_id: int) -> None:
    """Take a holiday off the list; removing one already gone changes nothing."""
    organisation.require(policy.can_manage_holidays(actor), policy.NOT_HOLIDAY_KEEPER)
    Holiday.objects.select_for_update().filter(pk=holiday_id).delete()
