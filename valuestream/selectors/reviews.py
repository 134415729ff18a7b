"""Reads for the weekly review pages: the list of a value stream's reviews, and one
review as the meeting records it beside its frozen agenda."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone

from roles.models import Membership, Team, User, ValueStream
from valuestream import policy
from valuestream.models import ReviewAction, ReviewAttendance, ReviewNote, WeeklyReview
from valuestream.selectors.dashboard import review_scope

# How many past reviews a value stream's list shows (a year of weeks).
REVIEWS_LISTED = 53


def review_attendees(review: WeeklyReview) -> list[User]:
    """Who attends: the VSM, the TCs and TLs of the value stream's teams now, and anyone
    whose attendance was recorded (a person who has since left a team stays on record)."""
    scope = review_scope(review.value_stream)
    ids = policy.review_attendee_ids(review.value_stream, scope.teams)
    recorded = list(review.attendance.values_list("person_id", flat=True))
    ids = list(dict.fromkeys([*ids, *recorded]))
    people = User.objects.in_bulk(ids)
    return [people[pk] for pk in ids if pk in people]


def visible_review(*, user: User, review_id: int) -> WeeklyReview | None:
    return (
        WeeklyReview.objects.filter(
            pk=review_id, value_stream__in=policy.review_value_streams(user)
        )
        .select_related("value_stream__vsm")
        .first()
    )


@dataclass(frozen=True)
class AttendeeRow:
    person: User
    present: bool | None  # None until recorded


@dataclass
class ReviewPage:
    review: WeeklyReview
    attendees: list[AttendeeRow]
    notes: dict[str, list[ReviewNote]]
    actions: list[ReviewAction]
    teams: list[Team]
    can_record: bool
    is_past: bool

    @property
    def attendance_recorded(self) -> bool:
        return any(row.present is not None for row in self.attendees)

    @property
    def present_count(self) -> int:
        return sum(1 for row in self.attendees if row.present)


def review_page(*, user: User, review_id: int, now: datetime | None = None) -> ReviewPage | None:
    review = visible_review(user=user, review_id=review_id)
    if review is None:
        return None
    now = now or timezone.now()
    attendance = {
        row.person_id: row.present for row in ReviewAttendance.objects.filter(review=review)
    }
    notes: dict[str, list[ReviewNote]] = {kind: [] for kind in ReviewNote.Kind.values}
    for note in review.notes.select_related("created_by"):
        notes[note.kind].append(note)
    actions = list(
        ReviewAction.objects.filter(review=review)
        .select_related("action__owner", "action__team")
        .order_by("pk")
    )
    teams = list(
        Team.objects.filter(value_streams=review.value_stream)
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("user")),
            "value_streams",
        )
        .select_related("coordinator")
        .order_by("name")
    )
    return ReviewPage(
        review=review,
        attendees=[
            AttendeeRow(person, attendance.get(person.pk)) for person in review_attendees(review)
        ],
        notes=notes,
        actions=actions,
        teams=teams,
        can_record=policy.can_record_review(user, review.value_stream),
        is_past=review.starts_at < now,
    )


@dataclass
class ReviewList:
    value_stream: ValueStream
    reviews: list[WeeklyReview]
    can_record: bool


def review_list(*, user: User, value_stream_id: int) -> ReviewList | None:
    value_stream = (
        policy.review_value_streams(user).filter(pk=value_stream_id).select_related("vsm").first()
    )
    if value_stream is None:
        return None
    reviews = list(
        WeeklyReview.objects.filter(value_stream=value_stream).order_by("-week_start")[
            :REVIEWS_LISTED
        ]
    )
    return ReviewList(
        value_stream=value_stream,
        reviews=reviews,
        can_record=policy.can_record_review(user, value_stream),
    )
