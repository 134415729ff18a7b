"""The daily reminder: a notice (and an email) to each person with open items
due today, once a day, after REMINDER_TIME in their own time zone."""

from collections import defaultdict
from datetime import date, datetime, time

from django.utils import timezone

from roles.models import User
from roles.selectors import PersonPlace, person_places
from standardwork.models import Check, Notice
from standardwork.services import followup

# When a person with open items due today is reminded, in their local time.
REMINDER_TIME = time(15, 0)


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
