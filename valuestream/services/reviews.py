"""The weekly review: prepared by a beat tick, recorded by the VSM in the meeting.

Preparation (`weekly_reviews_prepare_due`, run by the beat every few minutes)
reconciles: for each value stream it asks whether this week's review is due
for preparation in the value stream's own time zone (PREPARE_BEFORE its local
start) and, if it does not exist yet, creates it with its frozen agenda and
invites the attendees (an in-app notice and an email with an .ics
invitation). The unique (value stream, week) constraint makes a second run,
or a second worker, change nothing. After downtime the next tick catches up
on this week's review; if its start has already passed it is still prepared
(the record exists and the meeting page works) but nobody is invited to a
meeting that is over.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from roles.models import Team, User, ValueStream
from standardwork.models import Action, Notice
from standardwork.services.followup import action_create, notice_about, notice_send
from valuestream import ical, policy
from valuestream.models import (
    REVIEW_DURATION,
    ReviewAction,
    ReviewAttendance,
    ReviewNote,
    WeeklyReview,
)
from valuestream.selectors.dashboard import agenda_build, review_scope, value_stream_zone
from valuestream.selectors.reviews import review_attendees

# How long before its start a review is prepared and its invitations go out.
PREPARE_BEFORE = timedelta(hours=2)
NOT_CHAIR = "Only the value stream's VSM records its weekly review."
NOTE_MAX = ReviewNote._meta.get_field("text").max_length


def week_monday(day: date) -> date:
    return day - timedelta(days=day.isoweekday() - 1)


def review_starts_at(value_stream: ValueStream, week_start: date) -> datetime:
    """The review's start in the week of `week_start`, at the value stream's local time."""
    day = week_start + timedelta(days=value_stream.weekly_review_weekday - 1)
    return ical.local_start(day, value_stream.weekly_review_time, value_stream_zone(value_stream))


def review_event(
    *, value_stream: ValueStream, week_start: date, attendees: list[User], url: str
) -> ical.Event:
    """The review as a calendar event (the invitation and the feed describe it alike)."""
    vsm = value_stream.vsm
    return ical.Event(
        uid=ical.review_uid(value_stream_id=value_stream.pk, week_start=week_start),
        summary=f"Weekly review: {value_stream.name}",
        starts_at=review_starts_at(value_stream, week_start),
        duration=REVIEW_DURATION,
        description=(
            f"The weekly review of {value_stream.name}, chaired by {vsm.display_name}: "
            "standard-work adherence, impediments, improvement cycles, control points, "
            f"campaigns and budget; decisions and actions.\n{url}"
        ),
        url=url,
        organizer=ical.Person(vsm.display_name, vsm.email) if vsm.email else None,
        attendees=tuple(ical.Person(person.display_name, person.email) for person in attendees),
    )


def _invite(review: WeeklyReview, value_stream: ValueStream, attendees: list[User]) -> int:
    # A calendar app opens the link outside LeanOps: the full address (SITE_URL).
    url = settings.SITE_URL.rstrip("/") + reverse("valuestream:review_detail", args=[review.pk])
    event = review_event(
        value_stream=value_stream, week_start=review.week_start, attendees=attendees, url=url
    )
    invitation = {
        "filename": "weekly-review.ics",
        "mimetype": ical.MIMETYPE_INVITATION,
        "content": ical.invitation_text(event, stamp=review.prepared_at),
    }
    local = review.local_start
    text = (
        f"Weekly review of {value_stream.name} on {local:%A %-d %B} at {local:%H:%M} "
        f"({review.time_zone}): the agenda is ready."
    )
    for person in attendees:
        notice_send(
            recipient_id=person.pk,
            kind=Notice.Kind.WEEKLY_REVIEW,
            day=review.date,
            text=text,
            url_name="valuestream:review_detail",
            url_args=[review.pk],
            email=True,
            about=notice_about("weekly_review", review.pk),
            attachment=invitation,
        )
    return len(attendees)


def weekly_review_prepare(
    *, value_stream_id: int, week_start: date, now: datetime | None = None, invite: bool = True
) -> WeeklyReview | None:
    """Prepare the review of `week_start`'s week: freeze its agenda, invite its attendees.

    For the beat tick and the demo (no acting user; the demo's past reviews invite
    nobody). Returns the new review, or None when it already exists (a second run,
    or another worker, got there first). Invitations go out only while the review
    has not started.
    """
    now = now or timezone.now()
    if WeeklyReview.objects.filter(value_stream_id=value_stream_id, week_start=week_start).exists():
        return None
    value_stream = ValueStream.objects.select_related("vsm").get(pk=value_stream_id)
    scope = review_scope(value_stream)
    starts_at = review_starts_at(value_stream, week_start)
    review = WeeklyReview(
        value_stream=value_stream,
        week_start=week_start,
        date=starts_at.date(),
        starts_at=starts_at.astimezone(UTC),
        time_zone=value_stream.time_zone,
        prepared_at=now,
        agenda=agenda_build(scope=scope, week_start=week_start, now=now),
    )
    review.full_clean(exclude=["value_stream"], validate_unique=False)
    with transaction.atomic():
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError:
            return None  # prepared by another run meanwhile
        if invite and now < starts_at:
            ids = policy.review_attendee_ids(value_stream, scope.teams)
            people = User.objects.in_bulk(ids)
            attendees = [people[pk] for pk in ids if pk in people and people[pk].is_active]
            review.invited = _invite(review, value_stream, attendees)
            review.save(update_fields=["invited"])
    return review


def weekly_reviews_due(value_stream: ValueStream, now: datetime) -> list[date]:
    """The Mondays of the weeks whose review is due for preparation at `now`: this
    local week's, once PREPARE_BEFORE its start, and next week's when it starts so
    early on a Monday that its preparation falls in this week."""
    this_week = week_monday(now.astimezone(value_stream_zone(value_stream)).date())
    return [
        week_start
        for week_start in (this_week, this_week + timedelta(days=7))
        if now >= review_starts_at(value_stream, week_start) - PREPARE_BEFORE
    ]


def weekly_reviews_prepare_due(*, now: datetime | None = None) -> int:
    """The beat tick: prepare every review due and not yet prepared; return how many."""
    now = now or timezone.now()
    prepared = 0
    existing = set(
        WeeklyReview.objects.filter(
            week_start__gte=week_monday(now.date()) - timedelta(days=7)
        ).values_list("value_stream_id", "week_start")
    )
    for value_stream in ValueStream.objects.order_by("pk"):
        for week_start in weekly_reviews_due(value_stream, now):
            if (value_stream.pk, week_start) in existing:
                continue
            if weekly_review_prepare(
                value_stream_id=value_stream.pk, week_start=week_start, now=now
            ):
                prepared += 1
    return prepared


# --- in the meeting ------------------------------------------------------------------


def _locked_review(review_id: int) -> WeeklyReview:
    """Call inside a transaction: the review, row-locked, with its value stream."""
    try:
        return (
            WeeklyReview.objects.select_for_update(of=("self",))
            .select_related("value_stream")
            .get(pk=review_id)
        )
    except WeeklyReview.DoesNotExist:
        raise ValidationError("That weekly review no longer exists.") from None


def _require_chair(actor: User, review: WeeklyReview) -> None:
    if not policy.can_record_review(actor, review.value_stream):
        raise PermissionDenied(NOT_CHAIR)


@transaction.atomic
def review_attendance_record(*, actor: User, review_id: int, present_ids: list[int]) -> int:
    """Who was there: each attendee (`review_attendees`) present or absent.

    Returns how many were present. Recording again replaces the answers.
    """
    review = _locked_review(review_id)
    _require_chair(actor, review)
    people_ids = [person.pk for person in review_attendees(review)]
    if set(present_ids) - set(people_ids):
        raise ValidationError("Mark only the review's attendees present.")
    for person_id in people_ids:
        ReviewAttendance.objects.update_or_create(
            review=review, person_id=person_id, defaults={"present": person_id in present_ids}
        )
    return len(set(present_ids))


@transaction.atomic
def review_note_add(*, actor: User, review_id: int, kind: str, text: str) -> ReviewNote:
    """A problem, an opportunity, a decision or a budget change, in words."""
    review = _locked_review(review_id)
    _require_chair(actor, review)
    note = ReviewNote(
        review=review, kind=kind, text=" ".join((text or "").split()), created_by=actor
    )
    note.full_clean(exclude=["review", "created_by"])
    note.save()
    return note


@dataclass(frozen=True)
class ReviewActionResult:
    review_action: ReviewAction
    action: Action


@transaction.atomic
def review_action_add(
    *,
    actor: User,
    review_id: int,
    team: Team,
    title: str,
    owner: User | None,
    due_date: date | None,
    now: datetime | None = None,
) -> ReviewActionResult:
    """An action the review gives, through standardwork's one way in (`action_create`):
    it lands on the owner's page and in their team's next stand-up like any other.

    `team` must serve the review's value stream and come with its memberships.
    """
    review = _locked_review(review_id)
    _require_chair(actor, review)
    if not any(vs.pk == review.value_stream_id for vs in team.value_streams.all()):
        raise ValidationError({"team": "Choose a team of this value stream."})
    action = action_create(
        actor=actor,
        team=team,
        title=title,
        owner=owner,
        due_date=due_date,
        source=Action.Source.WEEKLY_REVIEW,
        now=now,
    )
    return ReviewActionResult(ReviewAction.objects.create(review=review, action=action), action)
