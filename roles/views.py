from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from leanops.base.forms import form_apply_service
from roles import policy, selectors, services
from roles.forms import TeamSettingsForm, ValueStreamSettingsForm
from roles.models import Team


@require_GET
@login_required
def team_list(request):
    teams = selectors.team_list(user=request.user)
    return render(request, "roles/team_list.html", {"teams": teams})


@require_GET
@login_required
def team_detail(request, team_id: int):
    team = selectors.team_detail(user=request.user, team_id=team_id)
    if team is None:
        raise Http404("No such team.")
    return render(
        request,
        "roles/team_detail.html",
        {
            "team": team,
            "can_manage": policy.can_manage_team(request.user, team),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def team_edit(request, team_id: int):
    # Another organisation's team is not found, not refused: its id says nothing.
    team = get_object_or_404(policy.visible_teams(request.user), pk=team_id)
    policy.require(
        policy.can_manage_team(request.user, team),
        "Only the VSM of a value stream the team serves changes its set-up.",
    )
    form = TeamSettingsForm(
        request.POST or None, instance=selectors.team_to_edit(team_id=team.pk), actor=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        value_streams = list(data.pop("value_streams"))
        updated = form_apply_service(
            form,
            lambda: services.team_update(
                actor=request.user, team=team, value_streams=value_streams, **data
            ),
        )
        if updated is not None:
            messages.success(request, f"{updated.name} saved.")
            return redirect("roles:team_detail", team_id=updated.pk)
    return render(request, "roles/team_edit.html", {"team": team, "form": form})


@require_GET
@login_required
def coordinator_home(request):
    teams = selectors.coordinator_teams(user=request.user)
    return render(request, "roles/coordinator_home.html", {"teams": teams})


@require_GET
@login_required
def marcom_home(request):
    department = (
        selectors.team_list(user=request.user)
        .filter(kind=Team.Kind.MARKETING_COMMUNICATION)
        .first()
    )
    if department is None:
        raise Http404("You are not in the Marketing Communication department.")
    return render(
        request,
        "roles/team_detail.html",
        {
            "team": department,
            "can_manage": policy.can_manage_team(request.user, department),
        },
    )


@require_GET
@login_required
def value_stream_list(request):
    value_streams = selectors.value_stream_list(user=request.user)
    return render(request, "roles/value_stream_list.html", {"value_streams": value_streams})


@require_GET
@login_required
def value_stream_detail(request, value_stream_id: int):
    value_stream = selectors.value_stream_detail(user=request.user, value_stream_id=value_stream_id)
    if value_stream is None:
        raise Http404("No such value stream.")
    return render(
        request,
        "roles/value_stream_detail.html",
        {
            "value_stream": value_stream,
            "can_manage": policy.can_manage_value_stream(request.user, value_stream),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def value_stream_edit(request, value_stream_id: int):
    value_stream = get_object_or_404(policy.visible_value_streams(request.user), pk=value_stream_id)
    policy.require(
        policy.can_manage_value_stream(request.user, value_stream),
        "Only the value stream's VSM changes its set-up.",
    )
    form = ValueStreamSettingsForm(
        request.POST or None,
        instance=selectors.value_stream_to_edit(value_stream_id=value_stream.pk),
    )
    if request.method == "POST" and form.is_valid():
        updated = form_apply_service(
            form,
            lambda: services.value_stream_update(
                actor=request.user, value_stream=value_stream, **form.cleaned_data
            ),
        )
        if updated is not None:
            messages.success(request, f"{updated.name} saved.")
            return redirect("roles:value_stream_detail", value_stream_id=updated.pk)
    return render(
        request, "roles/value_stream_edit.html", {"value_stream": value_stream, "form": form}
    )


@require_GET
@login_required
def person_detail(request, person_id: int):
    person = selectors.person_detail(viewer=request.user, person_id=person_id)
    if person is None:
        raise Http404("No such person.")
    return render(
        request,
        "roles/person_detail.html",
        {"person": person, "layers": selectors.user_layers(person)},
    )
