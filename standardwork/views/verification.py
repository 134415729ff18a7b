"""The verification board: the layer below, one row per person, red and green
(kamishibai), for one day; confirming a day and asking for a countermeasure.

An htmx request gets one person's card (`verify_board.html#person`); the same
forms work as plain POSTs and redirect back to the board. Refusals propagate
as PermissionDenied.
"""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from leanops.base.http import parse_date_param
from roles import policy as organisation
from standardwork import policy
from standardwork.forms.verification import CountermeasureRequestForm
from standardwork.models import Checklist
from standardwork.selectors import checklists as checklist_selectors
from standardwork.selectors import verification as verification_selectors
from standardwork.services import checklists as checklist_services
from standardwork.services import verification as verification_services

BOARD = "standardwork/verify_board.html"
GONE = "That item no longer exists; reload the page."
CHECKLIST_GONE = "That checklist no longer exists; reload the page."


def _messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def _board_url(day: date) -> str:
    return f"{reverse('standardwork:verify_board')}?{urlencode({'date': day.isoformat()})}"


@require_GET
@login_required
def verify_board(request):
    """The layer below, one row per person, red and green, for one day."""
    days = checklist_selectors.person_calendar(request.user)
    today, date_error = days.today, ""
    try:
        day = parse_date_param(request.GET.get("date"), default=today)
    except ValidationError as error:
        day, date_error = today, _messages_of(error)
    rows = verification_selectors.verification_board(verifier=request.user, day=day)
    return render(
        request,
        BOARD,
        {
            "rows": rows,
            "without_checklist": [row for row in rows if row.checklist is None],
            "day": day,
            "today": today,
            "previous_day": days.working_day_before(day),
            "next_day": days.working_day_after(day),
            "date_error": date_error,
            "can_verify": True,
        },
    )


def _board_gone(request, message: str):
    """Something on the board went away: say so and show the board as it is now."""
    messages.error(request, message)
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect("standardwork:verify_board")


def _person_card(request, *, person_id: int, day: date, **extra):
    row = verification_selectors.board_row(viewer=request.user, person_id=person_id, day=day)
    if row is None:
        raise PermissionDenied("You verify only the standard work of the layer below you.")
    return render(
        request,
        f"{BOARD}#person",
        {"row": row, "can_verify": policy.can_verify(request.user, row.person), **extra},
    )


@require_GET
@login_required
def checklist_detail(request, checklist_id: int):
    """One person's day as the board shows it, for them and the layers above them."""
    checklist = verification_selectors.checklist_with_owner(checklist_id=checklist_id)
    if checklist is None:
        raise Http404(CHECKLIST_GONE)
    organisation.require(
        organisation.can_view_person(request.user, checklist.owner),
        "You can see only your own standard work.",
    )
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


@require_POST
@login_required
def checklist_confirm(request, checklist_id: int):
    try:
        checklist = verification_services.checklist_confirm(
            actor=request.user, checklist_id=checklist_id
        )
    except Checklist.DoesNotExist:
        return _board_gone(request, CHECKLIST_GONE)
    if request.htmx:
        return _person_card(request, person_id=checklist.owner_id, day=checklist.date)
    messages.success(request, f"Confirmed {checklist.owner.display_name}'s standard work.")
    return redirect(_board_url(checklist.date))


@require_POST
@login_required
def check_request_countermeasure(request, check_id: int):
    """Ask the owner for a countermeasure; the item stays red until they record one."""
    check = checklist_selectors.check_row(check_id=check_id)
    if check is None:
        return _board_gone(request, GONE)
    form = CountermeasureRequestForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            verification_services.check_request_countermeasure(
                actor=request.user, check_id=check_id, comment=form.cleaned_data["comment"]
            )
        except checklist_services.CheckGone:
            return _board_gone(request, GONE)
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
            "ask_text": request.POST.get("comment", ""),
        }
    return _person_card(request, person_id=owner_id, day=day, **extra)
