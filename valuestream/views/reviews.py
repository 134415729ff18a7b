"""The weekly review: the list of a value stream's reviews, and the meeting page where
the VSM records attendance, problems and opportunities, decisions, budget changes
and actions, beside the agenda frozen when the review was prepared.

Each form works as a plain POST (back to the page) and is refused for anyone but
the VSM (the service raises PermissionDenied; nothing is written).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from leanops.base.forms import form_apply_service
from roles.selectors import team_people
from standardwork import calendar
from valuestream.forms.reviews import AttendanceForm, ReviewActionForm, ReviewNoteForm
from valuestream.selectors import reviews as selectors
from valuestream.selectors.dashboard import CAMPAIGNS_NOT_SET_UP, LIST_SHOWN, agenda_charts
from valuestream.services import reviews as services

PAGE = "valuestream/review_detail.html"


@require_GET
@login_required
def review_list(request, value_stream_id: int):
    page = selectors.review_list(user=request.user, value_stream_id=value_stream_id)
    if page is None:
        raise Http404("No such value stream.")
    return render(request, "valuestream/review_list.html", {"page": page})


def _people(teams) -> list:
    people = {}
    for team in teams:
        for person in team_people(team):
            people.setdefault(person.pk, person)
    return sorted(people.values(), key=lambda person: person.display_name)


def _forms(page, data=None, which: str = ""):
    review = page.review
    today = calendar.local_date(timezone.now(), review.time_zone)
    return {
        "attendance_form": AttendanceForm(
            data if which == "attendance" else None,
            people=[row.person for row in page.attendees],
            initial={"present": [row.person.pk for row in page.attendees if row.present]},
        ),
        "note_form": ReviewNoteForm(data if which == "note" else None),
        "action_form": ReviewActionForm(
            data if which == "action" else None,
            teams=page.teams,
            people=_people(page.teams),
            today=today,
        ),
    }


def _render(request, page, forms, status=200):
    return render(
        request,
        PAGE,
        {
            "page": page,
            "review": page.review,
            "agenda": page.review.agenda,
            "charts": agenda_charts(page.review.agenda) if page.review.agenda else None,
            "not_set_up": CAMPAIGNS_NOT_SET_UP,
            "list_shown": LIST_SHOWN,
            **forms,
        },
        status=status,
    )


def _page(request, review_id: int):
    page = selectors.review_page(user=request.user, review_id=review_id)
    if page is None:
        raise Http404("No such weekly review.")
    return page


@require_GET
@login_required
def review_detail(request, review_id: int):
    page = _page(request, review_id)
    return _render(request, page, _forms(page))


@require_POST
@login_required
def review_attendance(request, review_id: int):
    page = _page(request, review_id)
    forms = _forms(page, request.POST, "attendance")
    form = forms["attendance_form"]
    if form.is_valid():
        present = form_apply_service(
            form,
            lambda: services.review_attendance_record(
                actor=request.user, review_id=review_id, present_ids=form.cleaned_data["present"]
            ),
        )
        if present is not None:
            messages.success(request, f"Attendance recorded: {present} present.")
            return redirect("valuestream:review_detail", review_id)
    return _render(request, page, forms, status=400)


@require_POST
@login_required
def review_note_add(request, review_id: int):
    page = _page(request, review_id)
    forms = _forms(page, request.POST, "note")
    form = forms["note_form"]
    if form.is_valid():
        note = form_apply_service(
            form,
            lambda: services.review_note_add(
                actor=request.user,
                review_id=review_id,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
            ),
        )
        if note is not None:
            messages.success(request, f"{note.get_kind_display()} recorded.")
            return redirect("valuestream:review_detail", review_id)
    return _render(request, page, forms, status=400)


@require_POST
@login_required
def review_action_add(request, review_id: int):
    page = _page(request, review_id)
    forms = _forms(page, request.POST, "action")
    form = forms["action_form"]
    if form.is_valid():
        result = form_apply_service(
            form,
            lambda: services.review_action_add(
                actor=request.user,
                review_id=review_id,
                team=form.cleaned_data["team"],
                title=form.cleaned_data["title"],
                owner=form.cleaned_data["owner"],
                due_date=form.cleaned_data["due_date"],
            ),
        )
        if result is not None:
            action = result.action
            messages.success(
                request,
                f"Action for {action.owner.display_name} recorded: it is on their page and "
                f"in {action.team.name}'s next stand-up.",
            )
            return redirect("valuestream:review_detail", review_id)
    return _render(request, page, forms, status=400)
