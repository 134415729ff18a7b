"""Prospect imports: upload a CSV, watch its progress (htmx polls), download the bad rows;
and the campaign's prospects as CSV."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from leanops.base.forms import form_apply_service
from roles import policy as organisation
from valuestream import exports, policy
from valuestream.forms.campaigns import ImportForm
from valuestream.selectors import campaigns as selectors
from valuestream.selectors import reports as report_selectors
from valuestream.services import prospects as prospect_services


@require_http_methods(["GET", "POST"])
@login_required
def import_create(request, campaign_id: int):
    campaign = selectors.campaign_for(request.user, campaign_id)
    if campaign is None:
        raise Http404("No such campaign.")
    organisation.require(
        policy.can_manage_campaigns(request.user, campaign.team), policy.NOT_CAMPAIGN_MANAGER
    )
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        started = form_apply_service(
            form,
            lambda: prospect_services.import_start(
                actor=request.user,
                team=campaign.team,
                campaign=campaign,
                name=upload.name,
                content=upload.read(),
            ),
        )
        if started is not None:
            return redirect("valuestream:import_detail", started.pk)
    return render(request, "valuestream/import_create.html", {"campaign": campaign, "form": form})


@require_GET
@login_required
def import_detail(request, import_id: int):
    """The import's progress; htmx polls the `progress` partial until it is finished."""
    upload = selectors.import_for(request.user, import_id)
    if upload is None:
        raise Http404("No such import.")
    template = "valuestream/import_detail.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"upload": upload})


@require_GET
@login_required
def import_bad_rows(request, import_id: int):
    upload = selectors.import_for(request.user, import_id)
    if upload is None or not upload.bad_rows:
        raise Http404("No report of bad rows.")
    response = HttpResponse(upload.bad_rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{upload.pk}-bad-rows.csv"'
    return response


@require_GET
@login_required
def campaign_prospects_csv(request, campaign_id: int):
    campaign = selectors.campaign_for(request.user, campaign_id)
    if campaign is None:
        raise Http404("No such campaign.")
    header = ["first name", "last name", "company", "email", "phone", "stage", "state",
              "why it ended", "next step", "next due (UTC)", "caller", "opted out"]  # fmt: skip
    rows = (
        [
            e.prospect.first_name, e.prospect.last_name, e.prospect.company, e.prospect.email,
            e.prospect.phone, e.prospect.get_stage_display(), e.get_status_display(),
            e.get_stop_reason_display() if e.stop_reason else "",
            str(e.next_step) if e.next_step else "",
            e.next_due_at.isoformat(timespec="minutes") if e.next_due_at else "",
            e.caller.display_name if e.caller else "",
            "yes" if e.prospect.opted_out else "",
        ]
        for e in report_selectors.campaign_prospect_rows(campaign)
    )  # fmt: skip
    response = StreamingHttpResponse(
        exports.csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-prospects.csv"'
    return response
