"""Handoffs between teams: handing a prospect off, and the receiving TC's list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leanops.base.forms import form_apply_service
from valuestream import policy
from valuestream.forms.handoffs import HandoffForm
from valuestream.selectors import handoffs as selectors
from valuestream.services import handoffs as handoff_services


@require_GET
@login_required
def handoff_list(request):
    return render(
        request,
        "valuestream/handoff_list.html",
        {
            "to_acknowledge": selectors.handoffs_to_acknowledge(request.user),
            "waiting": selectors.handoffs_waiting(request.user),
            "recent": selectors.handoffs_recent(request.user),
        },
    )


@require_POST
@login_required
def handoff_acknowledge(request, handoff_id: int):
    handoff = selectors.handoff_for(request.user, handoff_id)
    if handoff is None:
        raise Http404("No such handoff.")
    handoff = handoff_services.handoff_acknowledge(actor=request.user, handoff_id=handoff.pk)
    messages.success(
        request,
        f"{handoff.prospect} is {handoff.to_team.name}'s now, in {handoff.get_stage_display()}.",
    )
    return redirect("valuestream:handoff_list")


@require_http_methods(["GET", "POST"])
@login_required
def prospect_hand_off(request, prospect_id: int):
    prospect = selectors.prospect_for(request.user, prospect_id)
    if prospect is None:
        raise Http404("No such prospect.")
    form = HandoffForm(
        request.POST or None, prospect=prospect, teams=selectors.receiving_teams(prospect)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        handoff = form_apply_service(
            form,
            lambda: handoff_services.prospect_hand_off(
                actor=request.user,
                prospect_id=prospect.pk,
                to_team=data["to_team"],
                stage=data["stage"],
                note=data["note"],
            ),
        )
        if handoff is not None:
            messages.success(
                request,
                f"Handed to {handoff.to_team.name}: {prospect} stays with {prospect.team.name} "
                "until their coordinator acknowledges it.",
            )
            return redirect("valuestream:handoff_list")
    return render(
        request,
        "valuestream/prospect_hand_off.html",
        {
            "prospect": prospect,
            "form": form,
            "can_hand_off": policy.can_hand_off(request.user, prospect.team),
        },
    )
