"""The demo's weekly reviews: two past ones of Industrial Pumps with what they
decided and the actions they gave, and this week's prepared (agenda frozen,
invitations sent), so the VSM finds a record and a meeting to open.

Built on the services the app uses; safe to run again (creates nothing then).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from roles.demo import PUMPS, DemoOrganisation
from roles.models import Membership, Team
from standardwork.services.followup import action_complete
from valuestream.models import ReviewNote, WeeklyReview
from valuestream.selectors.dashboard import value_stream_today
from valuestream.selectors.reviews import review_attendees
from valuestream.services import reviews as services

PAST_REVIEWS = [
    # weeks back, notes, actions (team name, owner's role in it, title, days to do it, done)
    (
        2,
        [
            (ReviewNote.Kind.PROBLEM, "Webinar attendee lists reach the callers two days late."),
            (
                ReviewNote.Kind.OPPORTUNITY,
                "Morning call blocks connect more often with plant engineers.",
            ),
            (
                ReviewNote.Kind.DECISION,
                "Pumps Prospecting tries a 9:00-11:00 call block for two weeks (PDCA).",
            ),
        ],
        [
            (
                "Pumps Prospecting",
                Membership.Role.LEADER,
                "Move the call block to 9:00-11:00",
                3,
                True,
            ),
            (
                "Marketing Communication",
                Membership.Role.LEADER,
                "Send webinar attendee lists the same day",
                5,
                True,
            ),
        ],
    ),
    (
        1,
        [
            (ReviewNote.Kind.PROBLEM, "Key Accounts takes no handoffs on Fridays."),
            (
                ReviewNote.Kind.BUDGET,
                "Calling program: 2,000 moved from trade-show print to the follow-up calls.",
            ),
            (
                ReviewNote.Kind.DECISION,
                "Handoffs to Key Accounts go through the TC on any working day.",
            ),
        ],
        [
            (
                "Pumps Key Accounts",
                Membership.Role.LEADER,
                "Agree a Friday handoff slot with Prospecting",
                4,
                False,
            ),
            (
                "Pumps Prospecting",
                Membership.Role.MEMBER,
                "Clean duplicate prospects out of the call list",
                9,
                False,
            ),
        ],
    ),
]


@dataclass
class DemoReviews:
    past: int = 0
    notes: int = 0
    actions: int = 0
    prepared: WeeklyReview | None = None


def review_seed(*, organisation: DemoOrganisation, now: datetime | None = None) -> DemoReviews:
    """Two past weekly reviews of Industrial Pumps and this week's prepared, once."""
    summary = DemoReviews()
    value_stream = organisation.value_streams[PUMPS]
    if WeeklyReview.objects.filter(value_stream=value_stream).exists():
        return summary
    now = now or timezone.now()
    this_week = services.week_monday(value_stream_today(value_stream, now))
    teams = {
        team.name: team
        for team in Team.objects.filter(value_streams=value_stream).prefetch_related(
            "memberships__user", "value_streams"
        )
    }
    vsm = value_stream.vsm
    with transaction.atomic():
        for weeks_back, notes, actions in PAST_REVIEWS:
            week_start = this_week - timedelta(weeks=weeks_back)
            starts_at = services.review_starts_at(value_stream, week_start)
            review = services.weekly_review_prepare(
                value_stream_id=value_stream.pk,
                week_start=week_start,
                now=starts_at - services.PREPARE_BEFORE,
                invite=False,
            )
            summary.past += 1
            attendees = review_attendees(review)
            # Everyone came but one TL (the story: Key Accounts missed the handoff talk).
            services.review_attendance_record(
                actor=vsm,
                review_id=review.pk,
                present_ids=[person.pk for person in attendees][: max(len(attendees) - 1, 1)],
            )
            for kind, text in notes:
                services.review_note_add(actor=vsm, review_id=review.pk, kind=kind, text=text)
                summary.notes += 1
            for team_name, role, title, days, done in actions:
                team = teams[team_name]
                owner = next(
                    membership.user
                    for membership in team.memberships.all()
                    if membership.role == role
                )
                result = services.review_action_add(
                    actor=vsm,
                    review_id=review.pk,
                    team=team,
                    title=title,
                    owner=owner,
                    due_date=starts_at.date() + timedelta(days=days),
                    now=starts_at,
                )
                summary.actions += 1
                if done:
                    action_complete(
                        actor=owner,
                        action_id=result.action.pk,
                        now=min(starts_at + timedelta(days=days - 1), now),
                    )
        summary.prepared = services.weekly_review_prepare(
            value_stream_id=value_stream.pk, week_start=this_week, now=now
        )
        if now >= services.review_starts_at(value_stream, this_week):
            # This week's is over (a demo built at the weekend): prepare the next one too.
            summary.prepared = services.weekly_review_prepare(
                value_stream_id=value_stream.pk, week_start=this_week + timedelta(weeks=1), now=now
            )
    return summary
