"""Results pages: a person's and a team's adherence to standard work by week."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from roles import policy as organisation
from roles import selectors as roles_selectors
from roles.models import User
from roles.selectors import person_places
from standardwork import calendar, policy
from standardwork.selectors import adherence

TREND_WEEKS = 8


def _week_from_query(request, today: date) -> date:
    """The Monday of ?week=YYYY-MM-DD, or of this week; a bad value falls back with a message."""
    raw = request.GET.get("week")
    day = today
    if raw:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            messages.error(request, f"{raw!r} is not a date like 2026-11-16; showing this week.")
    return adherence.week_bounds(day)[0]


def _week_context(week_start: date, today: date) -> dict:
    next_week = week_start + timedelta(days=7)
    return {
        "week_start": week_start,
        "previous_week": week_start - timedelta(days=7),
        "next_week": next_week if next_week <= today else None,
    }


@require_GET
@login_required
def person_adherence(request, person_id: int):
    person = get_object_or_404(User, pk=person_id)
    if not organisation.can_view_person(request.user, person):
        raise Http404("No such person.")
    # One read of the person's calendar serves both today's date and the report.
    places = person_places(user_ids=[person.pk])
    place = places.get(person.pk)
    today = calendar.local_date(timezone.now(), place.time_zone if place else "UTC")
    week_start = _week_from_query(request, today)
    report = adherence.adherence_report(
        people=[person],
        start=week_start - timedelta(weeks=TREND_WEEKS - 1),
        end=week_start + timedelta(days=6),
        today=today,
        places=places,
    )
    row = report.people[0]
    week_days = [(day, tally) for day, tally in row.by_day.items() if day >= week_start]
    week = adherence.Tally(target_percent=row.total.target_percent)
    for _, tally in week_days:
        week.add(tally)
    return render(
        request,
        "standardwork/adherence_person.html",
        {
            "person": person,
            "report": report,
            "row": row,
            "week": week,
            "days": week_days,
            "weeks": sorted(row.by_week.items()),
            **_week_context(week_start, today),
        },
    )


@require_GET
@login_required
def team_adherence(request, team_id: int):
    team = roles_selectors.team_detail(user=request.user, team_id=team_id)
    if team is None:
        raise Http404("No such team.")
    organisation.require(
        policy.can_view_team_work(request.user, team),
        "Team results are for the team's leader, coordinator and VSM.",
    )
    today = calendar.local_date(timezone.now(), team.time_zone)
    week_start = _week_from_query(request, today)
    report = adherence.adherence_report(
        people=adherence.team_people(team),
        start=week_start,
        end=week_start + timedelta(days=6),
        today=today,
    )
    return render(
        request,
        "standardwork/adherence_team.html",
        {"team": team, "report": report, **_week_context(week_start, today)},
    )
