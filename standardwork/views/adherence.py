"""Results pages: a person's and a team's adherence to standard work by week.

`?week=` names the week (any of its days, "2026-11-18", or "2026-W47"); a value
that is not a week, or is out of range, is said on the page and this week shown.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from leanops.base.http import parse_week_param
from roles import policy as organisation
from roles import selectors as roles_selectors
from standardwork import calendar, policy
from standardwork.selectors import adherence


def _week_from_query(request, today: date) -> date:
    """The Monday of ?week=, or of this week; a bad value falls back with a message."""
    try:
        return parse_week_param(request.GET.get("week"), default=today)
    except ValidationError as error:
        messages.error(request, f"{' '.join(error.messages)} Showing this week.")
        return parse_week_param(None, default=today)


@require_GET
@login_required
def person_adherence(request, person_id: int):
    person = adherence.visible_person(viewer=request.user, person_id=person_id)
    if person is None:
        raise Http404("No such person.")
    today, places = adherence.person_results_calendar(person)
    page = adherence.person_results(
        person=person, week_start=_week_from_query(request, today), today=today, places=places
    )
    return render(
        request,
        "standardwork/adherence_person.html",
        {
            "page": page,
            "person": page.person,
            "report": page.report,
            "row": page.row,
            "week": page.week,
            "days": page.days,
            "weeks": page.weeks,
            "nav": page.nav,
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
    today = calendar.team_today(team)
    page = adherence.team_results(
        team=team, week_start=_week_from_query(request, today), today=today
    )
    return render(
        request,
        "standardwork/adherence_team.html",
        {"page": page, "team": team, "report": page.report, "nav": page.nav},
    )
