"""The verification board (kamishibai): the layer below, a week grid of people by
working days, each cell red, green or open; a click opens that person's day,
where the layer above confirms it or asks for a countermeasure.

`/verify/` is the week grid (`?week=`, `?team=`); `/verify/?date=…` the one-day
list of everyone, `/verify/?date=…&person=…` one person's day (an htmx request
gets it as the grid's panel). The confirm and ask forms work as plain POSTs
and redirect back; from the panel they also refresh the person's grid row.
A checklist or item that does not exist, or whose owner's standard work the user
may not see, is not found (404, one answer for both); one they may see but not
verify is refused (PermissionDenied, 403). Both propagate.
"""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from leanops.base.http import parse_week_param
from roles import policy as organisation
from standardwork import policy
from standardwork.forms.verification import BoardDayForm, BoardWeekForm, CountermeasureRequestForm
from standardwork.selectors import checklists as checklist_selectors
from standardwork.selectors import verification as verification_selectors
from standardwork.services import checklists as checklist_services
from standardwork.services import verification as verification_services

BOARD = "standardwork/verify_board.html"
DAY = "standardwork/verify_day.html"
NOT_ON_BOARD = "That person is not on your verification board."


def _messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def _board_url(day: date) -> str:
    return f"{reverse('standardwork:verify_board')}?{urlencode({'date': day.isoformat()})}"


@require_GET
@login_required
def verify_board(request):
    """The week grid; with `?date=` the one-day list (of one `person`, the grid's drill-down)."""
    if "date" in request.GET or "person" in request.GET:
        return _verify_day(request)
    scope = verification_selectors.board_scope(verifier=request.user)
    form = BoardWeekForm(request.GET, today=scope.today, team_choices=scope.team_choices)
    form.is_valid()
    week = verification_selectors.verification_week(
        verifier=request.user, scope=scope, monday=form.monday(), team_id=form.team_id()
    )
    return render(
        request,
        BOARD,
        {"week": week, "teams": scope.team_choices, "problems": form.problems()},
    )


def _verify_day(request):
    days = checklist_selectors.person_calendar(request.user)
    form = BoardDayForm(request.GET, today=days.today)
    form.is_valid()
    day, person_id = form.day(), form.person_id()
    rows = verification_selectors.verification_board(
        verifier=request.user, day=day, person_id=person_id
    )
    if person_id is not None and not rows:
        raise Http404(NOT_ON_BOARD)
    context = {
        "rows": rows,
        "without_checklist": [row for row in rows if row.checklist is None],
        "day": day,
        "today": days.today,
        "previous_day": days.working_day_before(day),
        "next_day": days.working_day_after(day),
        "date_error": form.problems(),
        "person_id": person_id,
        "week_monday": parse_week_param("", default=day),
        "can_verify": True,
    }
    if request.htmx and person_id is not None:
        return render(request, f"{BOARD}#day_panel", {"row": rows[0], "in_grid": True, **context})
    return render(request, DAY, context)


def _person_card(request, *, person_id: int, day: date, **extra):
    """The person's card after a change; from the grid's panel, their grid row too (out of band)."""
    row = verification_selectors.board_row(viewer=request.user, person_id=person_id, day=day)
    if row is None:
        raise PermissionDenied(verification_services.NOT_VERIFIER)
    in_grid = request.POST.get("in_grid") == "1"
    context = {
        "row": row,
        "day": day,
        "in_grid": in_grid,
        "can_verify": policy.can_verify(request.user, row.person),
        **extra,
    }
    card = render_to_string(f"{BOARD}#person", context, request=request)
    if not in_grid:
        return HttpResponse(card)
    scope = verification_selectors.board_scope(verifier=request.user)
    week = verification_selectors.verification_week(
        verifier=request.user,
        scope=scope,
        monday=parse_week_param("", default=day),
        person_id=person_id,
    )
    grid_rows = [grid_row for group in week.groups for grid_row in group.rows]
    if not grid_rows:
        return HttpResponse(card)
    row_html = render_to_string(f"{BOARD}#row", {"row": grid_rows[0], "oob": True}, request=request)
    return HttpResponse(f"{card}<template>{row_html}</template>")


@require_GET
@login_required
def checklist_detail(request, checklist_id: int):
    """One person's day as the board shows it, for them and the layers above them."""
    checklist = verification_selectors.checklist_with_owner(
        viewer=request.user, checklist_id=checklist_id
    )
    if checklist is None:
        raise verification_services.ChecklistGone(verification_services.CHECKLIST_GONE)
    row = verification_selectors.board_row(
        viewer=request.user, person_id=checklist.owner_id, day=checklist.date
    )
    return render(
        request,
        "standardwork/checklist_detail.html",
        {
            "row": row,
            "day": checklist.date,
            "can_verify": policy.can_verify(request.user, checklist.owner),
        },
    )


@require_GET
@login_required
def check_history(request, check_id: int):
    """Every event of one item, for its owner and the layers above them."""
    history = verification_selectors.check_history(viewer=request.user, check_id=check_id)
    if history is None:
        raise checklist_services.CheckGone(checklist_services.CHECK_GONE)
    return render(request, "standardwork/verify_history.html", {"history": history})


@require_POST
@login_required
def checklist_confirm(request, checklist_id: int):
    checklist = verification_services.checklist_confirm(
        actor=request.user, checklist_id=checklist_id
    )
    if request.htmx:
        return _person_card(request, person_id=checklist.owner_id, day=checklist.date)
    messages.success(request, f"Confirmed {checklist.owner.display_name}'s standard work.")
    return redirect(_board_url(checklist.date))


@require_POST
@login_required
def check_request_countermeasure(request, check_id: int):
    """Ask the owner for a countermeasure; the item stays red until they record one."""
    check = checklist_selectors.check_row(viewer=request.user, check_id=check_id)
    if check is None:
        raise checklist_services.CheckGone(checklist_services.CHECK_GONE)
    organisation.require(
        policy.can_verify(request.user, check.checklist.owner), verification_services.NOT_VERIFIER
    )
    form = CountermeasureRequestForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            verification_services.check_request_countermeasure(
                actor=request.user, check_id=check_id, comment=form.cleaned_data["comment"]
            )
        except ValidationError as invalid:
            error = _messages_of(invalid)
    else:
        error = " ".join(form.errors.get("comment", []))
    day, owner_id = check.checklist.date, check.checklist.owner_id
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"Countermeasure asked for: {check.item.title}.")
        return redirect(_board_url(day))
    extra = {}
    if error:
        extra = {
            "ask_check_id": check_id,
            "ask_error": error,
            "ask_text": form.data.get("comment", ""),
        }
    return _person_card(request, person_id=owner_id, day=day, **extra)
