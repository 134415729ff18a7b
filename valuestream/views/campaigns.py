"""Campaigns: the list, a new campaign (its TL or VSM), the detail with the steps
editor and the team's call scripts, running the due steps now, recording a reply."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leanops.base.forms import form_apply_service
from roles import policy as organisation
from roles.models import ValueStream
from valuestream import policy
from valuestream.forms.campaigns import (
    CampaignForm,
    ScriptForm,
    ScriptRevisionForm,
    StepForm,
)
from valuestream.models import CallScript
from valuestream.selectors import campaigns as selectors
from valuestream.services import campaigns as campaign_services
from valuestream.services import engine


def _campaign_or_404(request, campaign_id: int):
    campaign = selectors.campaign_for(request.user, campaign_id)
    if campaign is None:
        raise Http404("No such campaign.")
    return campaign


@require_GET
@login_required
def campaign_list(request):
    teams = policy.manageable_teams(request.user)
    return render(
        request,
        "valuestream/campaign_list.html",
        {"campaigns": selectors.campaign_list(request.user), "can_create": teams.exists()},
    )


@require_http_methods(["GET", "POST"])
@login_required
def campaign_create(request):
    teams = policy.manageable_teams(request.user).order_by("name")
    organisation.require(teams.exists(), policy.NOT_CAMPAIGN_MANAGER)
    value_streams = ValueStream.objects.filter(teams__in=teams).distinct().order_by("name")
    form = CampaignForm(request.POST or None, teams=teams, value_streams=value_streams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        campaign = form_apply_service(
            form,
            lambda: campaign_services.campaign_create(
                actor=request.user,
                team=data["team"],
                value_stream=data["value_stream"],
                name=data["name"],
                event_kind=data["event_kind"],
                event_name=data["event_name"],
                event_date=data["event_date"],
                program=data["program"],
            ),
        )
        if campaign is not None:
            messages.success(request, f"Campaign {campaign.name} created: now add its steps.")
            return redirect("valuestream:campaign_detail", campaign.pk)
    return render(request, "valuestream/campaign_create.html", {"form": form})


def _detail(request, campaign, *, step_form=None, script_form=None, status=200):
    can_manage = policy.can_manage_campaigns(request.user, campaign.team)
    scripts = selectors.team_scripts(campaign)
    script_queryset = CallScript.objects.filter(team_id=campaign.team_id)
    return render(
        request,
        "valuestream/campaign_detail.html",
        {
            "campaign": campaign,
            "steps": selectors.campaign_steps(campaign),
            "scripts": [
                (script, ScriptRevisionForm(prefix=f"revise{script.pk}")) for script in scripts
            ],
            "imports": selectors.campaign_imports(campaign),
            "enrollments": selectors.recent_enrollments(campaign),
            "can_manage": can_manage,
            "can_work": policy.can_work_campaign(request.user, campaign.team),
            "step_form": step_form or StepForm(scripts=script_queryset, prefix="step"),
            "script_form": script_form or ScriptForm(prefix="script"),
        },
        status=status,
    )


@require_GET
@login_required
def campaign_detail(request, campaign_id: int):
    return _detail(request, _campaign_or_404(request, campaign_id))


@require_POST
@login_required
def step_add(request, campaign_id: int):
    campaign = _campaign_or_404(request, campaign_id)
    organisation.require(
        policy.can_manage_campaigns(request.user, campaign.team), policy.NOT_CAMPAIGN_MANAGER
    )
    form = StepForm(
        request.POST, scripts=CallScript.objects.filter(team_id=campaign.team_id), prefix="step"
    )
    if form.is_valid():
        data = form.cleaned_data
        step = form_apply_service(
            form,
            lambda: campaign_services.step_add(
                actor=request.user,
                campaign=campaign,
                kind=data["kind"],
                delay_business_days=data["delay_business_days"],
                subject=data["subject"],
                body=data["body"],
                script=data["script"],
                mail_item=data["mail_item"],
                mail_cost=data["mail_cost"],
            ),
        )
        if step is not None:
            messages.success(request, f"Step {step.position} added: {step.get_kind_display()}.")
            return redirect("valuestream:campaign_detail", campaign.pk)
    return _detail(request, campaign, step_form=form, status=200)


@require_POST
@login_required
def step_remove(request, step_id: int):
    step = selectors.step_for(request.user, step_id)
    if step is None:
        raise Http404("No such step.")
    campaign = step.campaign
    try:
        campaign_services.step_remove(actor=request.user, step=step)
        messages.success(request, "Step removed.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("valuestream:campaign_detail", campaign.pk)


@require_POST
@login_required
def script_add(request, campaign_id: int):
    """A new call script of the campaign's team, added to the campaign."""
    campaign = _campaign_or_404(request, campaign_id)
    organisation.require(
        policy.can_manage_campaigns(request.user, campaign.team), policy.NOT_CAMPAIGN_MANAGER
    )
    form = ScriptForm(request.POST, prefix="script")
    if form.is_valid():
        script = form_apply_service(
            form,
            lambda: campaign_services.script_create(
                actor=request.user,
                team=campaign.team,
                name=form.cleaned_data["name"],
                body=form.cleaned_data["body"],
            ),
        )
        if script is not None:
            campaign.scripts.add(script)
            messages.success(request, f"Script {script.name} added (version 1).")
            return redirect("valuestream:campaign_detail", campaign.pk)
    return _detail(request, campaign, script_form=form)


@require_POST
@login_required
def script_revise(request, script_id: int):
    script = selectors.script_for(request.user, script_id)
    if script is None:
        raise Http404("No such script.")
    organisation.require(
        policy.can_manage_campaigns(request.user, script.team), policy.NOT_CAMPAIGN_MANAGER
    )
    form = ScriptRevisionForm(request.POST, prefix=f"revise{script.pk}")
    if form.is_valid():
        version = form_apply_service(
            form,
            lambda: campaign_services.script_revise(
                actor=request.user,
                script=script,
                body=form.cleaned_data["body"],
                note=form.cleaned_data["note"],
            ),
        )
        if version is not None:
            messages.success(request, f"{script.name}: version {version.number} from now on.")
    else:
        messages.error(request, "Write the new script and say what changed.")
    campaign = script.campaigns.order_by("-pk").first()
    if campaign is not None:
        return redirect("valuestream:campaign_detail", campaign.pk)
    return redirect("valuestream:campaign_list")


@require_POST
@login_required
def campaign_run_due(request, campaign_id: int):
    """Run this campaign's due steps now, as the every-minute tick would."""
    campaign = _campaign_or_404(request, campaign_id)
    organisation.require(
        policy.can_manage_campaigns(request.user, campaign.team), policy.NOT_CAMPAIGN_MANAGER
    )
    result = engine.campaign_steps_run_due(campaign_id=campaign.pk)
    messages.success(
        request,
        f"{result.executed} steps run, {result.rescheduled} waiting for their send window, "
        f"the cap or the caller, {result.stopped} stopped.",
    )
    return redirect("valuestream:campaign_detail", campaign.pk)


@require_POST
@login_required
def enrollment_reply(request, enrollment_id: int):
    """The prospect replied: they leave the sequence."""
    enrollment = selectors.enrollment_for(request.user, enrollment_id)
    if enrollment is None:
        raise Http404("No such prospect in a campaign.")
    campaign_services.reply_record(actor=request.user, enrollment_id=enrollment.pk)
    messages.success(request, "Reply recorded: no more steps for this prospect.")
    return redirect("valuestream:campaign_detail", enrollment.campaign_id)


@require_POST
@login_required
def campaign_pause(request, campaign_id: int):
    campaign = _campaign_or_404(request, campaign_id)
    campaign_services.campaign_pause(actor=request.user, campaign_id=campaign.pk)
    messages.success(request, f"{campaign.name} is paused: no step runs until you resume it.")
    return redirect("valuestream:campaign_detail", campaign.pk)


@require_POST
@login_required
def campaign_resume(request, campaign_id: int):
    campaign = _campaign_or_404(request, campaign_id)
    campaign_services.campaign_resume(actor=request.user, campaign_id=campaign.pk)
    messages.success(
        request,
        f"{campaign.name} runs again; its waiting steps moved on by the days it was paused.",
    )
    return redirect("valuestream:campaign_detail", campaign.pk)
