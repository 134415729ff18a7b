"""The campaign report: the funnel (SVG and table), cost and ROI, per step and per
script version; the funnel as CSV."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from valuestream import exports
from valuestream.selectors import campaigns as selectors
from valuestream.selectors import reports as report_selectors


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
    return render(
        request, "valuestream/campaign_report.html", {"campaign": campaign, "funnel": funnel}
    )


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
         stages["connected"], stages["meetings"], stages["won"], funnel.cost, funnel.revenue,
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
