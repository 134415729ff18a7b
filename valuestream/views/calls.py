"""The member's "calls today": prospect, script (current version) and history; one tap
on a disposition, plus a note, logs the call."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from roles.models import Membership
from valuestream.forms.calls import CallLogForm
from valuestream.models import CallLog
from valuestream.selectors import calls as selectors
from valuestream.services import calls as call_services


def _today(user):
    membership = Membership.objects.filter(user=user).select_related("team").order_by("pk").first()
    zone = membership.team.zone if membership else timezone.get_default_timezone()
    return timezone.now().astimezone(zone).date()


@require_GET
@login_required
def calls_today(request):
    today = _today(request.user)
    return render(
        request,
        "valuestream/calls_today.html",
        {
            "calls": selectors.calls_today(request.user, today),
            "logged": selectors.calls_logged_today(request.user, today).count(),
            "dispositions": CallLog.Disposition.choices,
            "today": today,
        },
    )


@require_POST
@login_required
def call_log(request, call_id: int):
    execution = selectors.call_for(request.user, call_id)
    if execution is None:
        raise Http404("No such call.")
    form = CallLogForm(request.POST)
    error = ""
    call = None
    if form.is_valid():
        try:
            call = call_services.call_log(
                actor=request.user,
                execution_id=execution.pk,
                disposition=form.cleaned_data["disposition"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    else:
        error = "Choose the outcome of the call."
    if request.htmx:
        return render(
            request,
            "valuestream/calls_today.html#logged",
            {"call": call, "error": error, "execution": execution},
        )
    if call is not None:
        messages.success(request, f"Logged: {call.get_disposition_display()}.")
    else:
        messages.error(request, error)
    return redirect("valuestream:calls_today")
