"""My standard work: today's checklist, ticks, undos, misses, countermeasures.

Thin views: validate, call the service, render. An htmx request gets a named
partial (the row with an out-of-band progress bar); the same forms work as
plain POSTs and redirect back.

Errors, the same way everywhere:
- An item that does not exist, or whose owner's standard work the user may not
  see, is not found (`CheckGone`, a 404 with "That item no longer exists; reload
  the page.", from the service or `_own_check`): the same answer for both, so an
  outsider cannot tell which ids exist.
- PermissionDenied (from a service, or `_own_check`) propagates for one who may
  see the item but not change it: the project's 403 page shows its message;
  nothing is written.
- ValidationError: the message at the row or form (htmx: status 200, so htmx
  swaps it in); without htmx a flash message and a redirect back.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leanops.base.forms import form_add_service_errors
from roles import policy as organisation
from standardwork import policy
from standardwork.forms.checklists import CountermeasureRecordForm, MissForm
from standardwork.models import Check
from standardwork.selectors import checklists as selectors
from standardwork.selectors import followup as followup_selectors
from standardwork.services import checklists as checklist_services
from standardwork.services import verification as verification_services

PAGE = "standardwork/my_standard_work.html"


def _messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- my standard work ---------------------------------------------------------


@require_GET
@login_required
def my_standard_work(request):
    """Today's checklist, issued now if the worker has not yet."""
    checklist = checklist_services.checklist_issue_today(user=request.user)
    page = selectors.my_standard_work(user=request.user, checklist=checklist)
    # ?actions=all lists every open action; anything else, the first few.
    actions = followup_selectors.open_actions_page(
        user=request.user, show_all=request.GET.get("actions") == "all"
    )
    return render(
        request,
        PAGE,
        {
            "page": page,
            "today": page.today,
            "progress": page.progress,
            "open_actions": actions,
            "my_actions": actions.actions,
            # The header's badge counts the same (one query for both); the notices have their page.
            "unread_notices": followup_selectors.unread_notice_count(request.user),
        },
    )


def _row(request, check: Check, *, error: str = "", miss_form: MissForm | None = None):
    """The row, and the progress bar out of band, for an htmx request."""
    today = selectors.check_today(check)
    context = {
        "check": check,
        "today": today,
        "row_error": error,
        "miss_form": miss_form,
        "progress": selectors.todays_progress(user=request.user, day=today),
        "oob": True,
    }
    return render(request, f"{PAGE}#row_with_progress", context)


def _visible_check(request, check_id: int) -> Check:
    """The check's row; CheckGone (404) if it does not exist or is not the user's to see."""
    check = selectors.check_row(viewer=request.user, check_id=check_id)
    if check is None:
        raise checklist_services.CheckGone(checklist_services.CHECK_GONE)
    return check


def _own_check(request, check_id: int) -> Check:
    """The check's row; 404 as `_visible_check`, PermissionDenied if it is someone else's."""
    check = _visible_check(request, check_id)
    organisation.require(policy.can_change_check(request.user, check), policy.OWN_CHECKS_ONLY)
    return check


def _change_check(request, check_id: int, change, success: str):
    """Run a row's service; answer with the row (htmx) or a redirect to the page."""
    try:
        check = change()
    except ValidationError as error:
        if not request.htmx:
            messages.error(request, _messages_of(error))
            return redirect("standardwork:my_standard_work")
        return _row(request, _visible_check(request, check_id), error=_messages_of(error))
    if request.htmx:
        return _row(request, check)
    messages.success(request, success.format(title=check.item.title))
    return redirect("standardwork:my_standard_work")


@require_POST
@login_required
def check_tick(request, check_id: int):
    return _change_check(
        request,
        check_id,
        lambda: checklist_services.check_tick(actor=request.user, check_id=check_id),
        "Done: {title}.",
    )


@require_POST
@login_required
def check_undo(request, check_id: int):
    return _change_check(
        request,
        check_id,
        lambda: checklist_services.check_undo(actor=request.user, check_id=check_id),
        "Reopened: {title}.",
    )


@require_GET
@login_required
def check_row(request, check_id: int):
    """The row as it is (the miss form's Cancel); without htmx, the page."""
    check = _own_check(request, check_id)
    if not request.htmx:
        return redirect("standardwork:my_standard_work")
    return _row(request, check)


@require_http_methods(["GET", "POST"])
@login_required
def check_miss(request, check_id: int):
    """Mark an item missed: a reason from the list or typed, and a note.

    htmx gets the row with the form in it; without JavaScript it is a page.
    """
    check = _own_check(request, check_id)
    form = MissForm(request.POST or None, check_id=check_id)
    if request.method == "POST" and form.is_valid():
        try:
            check = checklist_services.check_mark_missed(
                actor=request.user,
                check_id=check_id,
                reason=form.cleaned_data["reason"],
                reason_text=form.cleaned_data["reason_text"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            if request.htmx:
                return _row(request, check)
            messages.success(request, f"Missed: {check.item.title}.")
            return redirect("standardwork:my_standard_work")
    if request.htmx:
        return _row(request, check, miss_form=form)
    return render(request, "standardwork/check_miss.html", {"check": check, "form": form})


@require_POST
@login_required
def check_record_countermeasure(request, check_id: int):
    """The owner answers a countermeasure request; the item turns green on the board."""
    check = _visible_check(request, check_id)
    organisation.require(
        policy.can_change_check(request.user, check), verification_services.NOT_COUNTERMEASURE_OWNER
    )
    form = CountermeasureRecordForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            check = verification_services.check_record_countermeasure(
                actor=request.user,
                check_id=check_id,
                countermeasure=form.cleaned_data["countermeasure"],
            )
        except ValidationError as invalid:
            error = _messages_of(invalid)
        else:
            if not request.htmx:
                messages.success(request, f"Countermeasure recorded: {check.item.title}.")
                return redirect("standardwork:my_standard_work")
            check = _visible_check(request, check_id)
            today = selectors.check_today(check)
            return render(
                request,
                f"{PAGE}#countermeasure_recorded",
                {
                    "check": check,
                    "today": today,
                    # The row, if the page lists it, loses its "asked for" flag too.
                    "row_on_page": selectors.is_on_todays_page(check, today=today),
                },
            )
    else:
        error = " ".join(form.errors.get("countermeasure", []))
    if not request.htmx:
        messages.error(request, error)
        return redirect("standardwork:my_standard_work")
    return render(
        request,
        f"{PAGE}#countermeasure",
        {
            "check": check,
            "countermeasure_error": error,
            "countermeasure_text": form["countermeasure"].value() or "",
        },
    )
