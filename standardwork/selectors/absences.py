"""Reads for the leave page."""

from datetime import date

from django.db.models import QuerySet

from roles import policy as organisation
from roles.models import User
from standardwork.models import Absence


def leave_people(user: User) -> QuerySet[User]:
    """The people `user` may record leave for: themselves and the people they lead."""
    return organisation.overseen_people(user).order_by("first_name", "last_name")


def upcoming_absences(*, people: QuerySet[User], today: date) -> QuerySet[Absence]:
    """Leave of `people` that has not yet ended, soonest first."""
    return (
        Absence.objects.filter(person__in=people, end_date__gte=today)
        .select_related("person")
        .order_by("start_date")
    )
