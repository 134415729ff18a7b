"""The holidays page: everyone signed in reads the list; a VSM adds and removes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from leanops.base.forms import form_apply_service
from roles import policy as organisation
from valuestream import policy
from valuestream.forms.holidays import HolidayForm, HolidayRemoveForm
from valuestream.selectors import holidays as selectors
from valuestream.services import holidays as holiday_services


@require_http_methods(["GET", "POST"])
@login_required
def holiday_list(request):
    can_manage = policy.can_manage_holidays(request.user)
    form = HolidayForm(request.POST or None)
    if request.method == "POST":
        organisation.require(can_manage, policy.NOT_HOLIDAY_KEEPER)
        if form.is_valid():
            holiday = form_apply_service(
                form,
                lambda: holiday_services.holiday_add(
                    actor=request.user,
                    day=form.cleaned_data["date"],
                    name=form.cleaned_data["name"],
                ),
            )
            if holiday is not None:
                messages.success(request, f"{holiday.name} ({holiday.date:%-d %B %Y}) listed.")
                return redirect("valuestream:holiday_list")
    today = timezone.localdate()
    return render(
        request,
        "valuestream/holiday_list.html",
        {
            "form": form,
            "can_manage": can_manage,
            "upcoming": selectors.holidays_from(request.user, today),
            "past": selectors.holidays_past(request.user, today),
        },
    )


@require_POST
@login_required
def holiday_remove(request):
    organisation.require(policy.can_manage_holidays(request.user), policy.NOT_HOLIDAY_KEEPER)
    form = HolidayRemoveForm(request.POST)
    if form.is_valid():
        holiday = form.cleaned_data["holiday"]
        holiday_services.holiday_remove(actor=request.user, holiday_id=holiday.pk)
        messages.success(
            request, f"{holiday.name} ({holiday.date:%-d %B %Y}) is a working day again."
        )
    else:
        messages.error(request, " ".join(form.errors["holiday"]))
    return redirect("valuestream:holiday_list")
