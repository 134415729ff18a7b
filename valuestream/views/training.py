"""The weekly script-playback training: the TC logs it; recordings play back in the page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from leanops.base.forms import form_apply_service
from valuestream.forms.training import TrainingForm
from valuestream.selectors import training as selectors
from valuestream.services import training as training_services


@require_http_methods(["GET", "POST"])
@login_required
def training(request):
    teams = selectors.coordinated_teams(request.user)
    form = None
    if teams.exists():
        form = TrainingForm(
            request.POST or None, request.FILES or None, teams=teams,
            versions=selectors.script_versions_of(teams),
            people=selectors.training_people(request.user, teams),
            initial={"held_on": timezone.localdate()},
        )  # fmt: skip
    if request.method == "POST":
        if form is None:
            raise Http404("You coordinate no team.")
        if form.is_valid():
            data = form.cleaned_data
            recordings = [(data["recording_title"], data["recording"])] if data["recording"] else []
            session = form_apply_service(
                form,
                lambda: training_services.training_log(
                    actor=request.user,
                    team=data["team"],
                    held_on=data["held_on"],
                    scripts=list(data["scripts"]),
                    trainers=list(data["trainers"]),
                    attendees=list(data["attendees"]),
                    notes=data["notes"],
                    recordings=recordings,
                ),
            )
            if session is not None:
                messages.success(request, f"Training of {session.held_on:%d %b} logged.")
                return redirect("valuestream:training")
    return render(
        request,
        "valuestream/training.html",
        {"form": form, "sessions": selectors.training_sessions(request.user)},
    )


@require_GET
@login_required
def recording_audio(request, recording_id: int):
    """The recording's audio, for the page's <audio> player (access checked here)."""
    recording = selectors.recording_for(request.user, recording_id)
    if recording is None:
        raise Http404("No such recording.")
    return FileResponse(recording.file.open("rb"), content_type=recording.content_type)
