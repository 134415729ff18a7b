"""The campaign report: the funnel (SVG and table), cost and ROI, per step and per
script version; the funnel as CSV."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from leanops.base.forms import form_apply_service
from roles import policy as organisation
from valuestream import exports, policy
from valuestream.forms.economics import WinForm
from valuestream.models import Prospect
from valuestream.selectors import campaigns as selectors
from valuestream.selectors import reports as report_selectors
from valuestream.services import economics


def _campaign_or_404(request, campaign_id):
    campaign = selectors.campaign_for(request.user, campaign_id)
    if campaign is None:
        raise Http404("No such campaign.")
    return campaign


@require_GET
@login_required
def campaign_report(request, campaign_id: int):
    campaign = _campaign_or_404(request, campaign_id)
    funnel = report_selectors.campaign_funnel(campaign)
    can_manage = policy.can_manage_campaigns(request.user, campaign.team)
    return render(
        request,
        "valuestream/campaign_report.html",
        {
            "campaign": campaign,
            "funnel": funnel,
            "can_manage": can_manage,
            "to_win": report_selectors.meetings_to_win(campaign) if can_manage else [],
            "win_form": WinForm(initial={"won_on": timezone.localdate()}),
        },
    )


@require_POST
@login_required
def campaign_win(request, campaign_id: int):
    """A prospect with a meeting was won: the order's value counts for the campaign."""
    campaign = _campaign_or_404(request, campaign_id)
    organisation.require(
        policy.can_manage_campaigns(request.user, campaign.team), policy.NOT_CAMPAIGN_MANAGER
    )
    form = WinForm(request.POST)
    prospect = (
        Prospect.objects.filter(
            enrollments__campaign=campaign, pk=request.POST.get("prospect")
        ).first()
        if str(request.POST.get("prospect", "")).isdigit()
        else None
    )
    if prospect is None or not form.is_valid():
        messages.error(request, "Choose a prospect of this campaign and enter the order's value.")
        return redirect("valuestream:campaign_report", campaign.pk)
    entry = form_apply_service(
        form,
        lambda: economics.prospect_win(
            actor=request.user, campaign=campaign, prospect=prospect,
            amount=form.cleaned_data["amount"], won_on=form.cleaned_data["won_on"],
        ),
    )  # fmt: skip
    if entry is not None:
        messages.success(
            request, f"{prospect} won: {entry.amount} attributed to {campaign.program}."
        )
    else:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    return redirect("valuestream:campaign_report", campaign.pk)


@require_GET
@login_required
def campaign_funnel_csv(request, campaign_id: int):
    campaign = _campaign_or_404(request, campaign_id)
    funnel = report_selectors.campaign_funnel(campaign)
    header = ["part", "name", "enrolled or reached", "emailed", "called", "connected",
              "meetings", "won", "cost", "revenue", "roi %"]  # fmt: skip
    stages = funnel.stages
    rows = [
        ["campaign", campaign.name, stages["enrolled"], stages["emailed"], stages["called"],
         stages["connected"], stages["meetings"], stages["won"], f"{funnel.cost:.2f}",
         f"{funnel.revenue:.2f}",
         funnel.roi if funnel.roi is not None else ""],
        *[
            ["step", f"{row.step.position}. {row.step.get_kind_display()}"
             + (f": {row.step.subject}" if row.step.subject else ""),
             row.reached, row.emailed, row.called, row.connected, row.meetings, "", "", "", ""]
            for row in funnel.steps
        ],
    ]  # fmt: skip
    response = StreamingHttpResponse(
        exports.csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-funnel.csv"'
    return response
