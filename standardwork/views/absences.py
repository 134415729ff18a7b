"""Leave: record it for yourself or the people you lead; see what is coming up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from leanops.base.forms import form_apply_service
from standardwork.forms.absences import AbsenceForm
from standardwork.selectors import absences as absence_selectors
from standardwork.selectors import checklists as checklist_selectors
from standardwork.services import absences as absence_services


@require_http_methods(["GET", "POST"])
@login_required
def absence_list(request):
    """Record leave for yourself or the people you lead; see what is coming up."""
    people = absence_selectors.leave_people(request.user)
    form = AbsenceForm(request.POST or None, people=people, initial={"person": request.user})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        absence = form_apply_service(
            form,
            lambda: absence_services.absence_record(
                actor=request.user,
                person=data["person"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                reason=data["reason"],
            ),
        )
        if absence is not None:
            messages.success(
                request,
                f"Leave recorded for {absence.person.display_name}, "
                f"{absence.start_date:%d %b} to {absence.end_date:%d %b %Y}.",
            )
            return redirect("standardwork:absence_list")
    upcoming = absence_selectors.upcoming_absences(
        people=people, today=checklist_selectors.person_today(request.user)
    )
    return render(request, "standardwork/absence_list.html", {"form": form, "absences": upcoming})
