"""Stand-ups, impediment boards, the VSM's escalations and actions.

Thin views, as in views/checklists.py: find the object through a selector
that only finds what the viewer may see (404 otherwise, so another team's
stand-ups, impediments and actions do not exist for them), validate, call the
service, render. An htmx request gets a named partial; every form also works
as a plain POST and redirects back, or shows the page again with the message
at the field.

Errors, the same way everywhere:
- PermissionDenied from the policy or a service: 403 with its message, nothing written.
- ValidationError: the message at the field (htmx: status 200, so htmx swaps it in).
"""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from roles import policy as organisation
from roles.selectors import team_people
from standardwork import policy
from standardwork.forms.followup import ActionForm
from standardwork.forms.standups import ImpedimentForm, NotesForm
from standardwork.models import Action
from standardwork.selectors import followup as followup_selectors
from standardwork.selectors import standups as selectors
from standardwork.services import followup
from standardwork.services import standups as services

PAGE = "standardwork/standup_detail.html"
BOARD = "standardwork/impediment_board.html"
MY_ACTIONS = "standardwork/_my_actions.html"
HISTORY_PAGE_SIZE = 20


def _refused(request, error: PermissionDenied) -> HttpResponse:
    return render(
        request,
        "standardwork/refused.html",
        {"message": str(error) or "You do not have access to this."},
        status=403,
    )


def _messages_of(error: ValidationError) -> dict[str, str]:
    """{field: message}; what belongs to no field is under "general"."""
    if hasattr(error, "error_dict"):
        return {
            ("general" if name == "__all__" else name): " ".join(ValidationError(e).messages)
            for name, e in error.error_dict.items()
        }
    return {"general": " ".join(error.messages)}


def _add_errors(form, error: ValidationError) -> None:
    for name, message in _messages_of(error).items():
        form.add_error(name if name in form.fields else None, message)


def _back(request, default: str) -> str:
    """Where a plain POST returns to: its `next`, if it is this site's."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- stand-ups ----------------------------------------------------------------


@require_GET
@login_required
def standup_list(request):
    """The teams whose stand-up the viewer heads or logs, with today's."""
    return render(
        request,
        "standardwork/standup_list.html",
        {"rows": selectors.my_standup_teams(viewer=request.user)},
    )


@require_GET
@login_required
def team_standup_today(request, team_id: int):
    """Today's stand-up of the team, opened now if the worker has not yet."""
    team = selectors.visible_team(viewer=request.user, team_id=team_id)
    if team is None:
        raise Http404("No such team.")
    standup = services.standup_open_today(team=team)
    if standup is None:
        today = services.team_today(team)
        messages.info(request, f"No stand-up today: {team.name} does not work on {today:%A}s.")
        return redirect("standardwork:standup_history", team_id=team.pk)
    return redirect("standardwork:standup_detail", standup_id=standup.pk)


def _page(request, standup_id: int) -> selectors.StandupPage:
    page = selectors.standup_page(viewer=request.user, standup_id=standup_id)
    if page is None:
        raise Http404("No such stand-up.")
    return page


def _timer_text(page: selectors.StandupPage, now: datetime) -> str:
    """The countdown as the page first shows it; static/js/standup_timer.js keeps it going."""
    if page.ends_at is None:
        return f"{services.STANDUP_MINUTES}:00"
    seconds = int((page.ends_at - now).total_seconds())
    sign, seconds = ("+" if seconds < 0 else ""), abs(seconds)
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


def _render_standup(request, page, template: str = PAGE, *, status: int = 200, **extra):
    now = timezone.now()
    standup = page.standup
    context = {
        "page": page,
        "standup": standup,
        "team": page.team,
        "timer_text": _timer_text(page, now),
        "took_minutes": round((standup.ended_at - standup.started_at).total_seconds() / 60)
        if standup.ended_at and standup.started_at
        else None,
        "return_to": reverse("standardwork:standup_detail", args=[standup.pk]),
        "action_form": ActionForm(
            people=followup_selectors.action_owners(page.team), initial={"due_date": page.today}
        ),
        "impediment_form": ImpedimentForm(),
        "notes_form": NotesForm(initial={"notes": standup.notes}),
        **extra,
    }
    # Times on the page are the team's own.
    with timezone.override(page.team.time_zone):
        return render(request, template, context, status=status)


@require_GET
@login_required
def standup_detail(request, standup_id: int):
    """The agenda from live data, and the TC's log: attendance, actions, impediments, notes."""
    return _render_standup(request, _page(request, standup_id))


def _require_logger(page: selectors.StandupPage) -> None:
    organisation.require(page.can_log, services.NOT_LOGGER)


def _standup_change(request, standup_id: int, change, partial: str, success: str):
    """Run a stand-up service; answer with its part of the page, or go back to the page."""
    page = _page(request, standup_id)
    try:
        _require_logger(page)
        change()
    except PermissionDenied as error:
        return _refused(request, error)
    except ValidationError as error:
        message = " ".join(_messages_of(error).values())
        if not request.htmx:
            messages.error(request, message)
            return redirect("standardwork:standup_detail", standup_id=standup_id)
        return _render_standup(request, page, f"{PAGE}#{partial}", change_error=message)
    if not request.htmx:
        messages.success(request, success)
        return redirect("standardwork:standup_detail", standup_id=standup_id)
    return _render_standup(request, _page(request, standup_id), f"{PAGE}#{partial}")


@require_POST
@login_required
def standup_start(request, standup_id: int):
    return _standup_change(
        request,
        standup_id,
        lambda: services.standup_start(actor=request.user, standup_id=standup_id),
        "timer",
        "Stand-up started: 15 minutes.",
    )


@require_POST
@login_required
def standup_end(request, standup_id: int):
    return _standup_change(
        request,
        standup_id,
        lambda: services.standup_end(actor=request.user, standup_id=standup_id),
        "timer",
        "Stand-up ended.",
    )


@require_POST
@login_required
def standup_attendance(request, standup_id: int):
    """Everyone's attendance at once: the form without JavaScript."""
    page = _page(request, standup_id)
    present = set(request.POST.getlist("present"))
    return _standup_change(
        request,
        standup_id,
        lambda: services.standup_attendance_set(
            actor=request.user,
            standup_id=standup_id,
            present={person.pk: str(person.pk) in present for person in page.people},
        ),
        "attendance",
        "Attendance saved.",
    )


@require_POST
@login_required
def standup_attendance_person(request, standup_id: int, person_id: int):
    """One checkbox toggled in place: that person's state, and the count out of band."""
    page = _page(request, standup_id)
    try:
        _require_logger(page)
        services.standup_attendance_set(
            actor=request.user,
            standup_id=standup_id,
            present={person_id: str(person_id) in request.POST.getlist("present")},
        )
    except PermissionDenied as error:
        return _refused(request, error)
    except ValidationError as error:
        if not request.htmx:
            messages.error(request, " ".join(_messages_of(error).values()))
            return redirect("standardwork:standup_detail", standup_id=standup_id)
        return HttpResponse(" ".join(_messages_of(error).values()), status=422)
    if not request.htmx:
        return redirect("standardwork:standup_detail", standup_id=standup_id)
    page = _page(request, standup_id)
    person = next(person for person in page.people if person.pk == person_id)
    return _render_standup(request, page, f"{PAGE}#attendance_state_with_count", person=person)


@require_POST
@login_required
def standup_notes(request, standup_id: int):
    page = _page(request, standup_id)
    try:
        _require_logger(page)
    except PermissionDenied as error:
        return _refused(request, error)
    form = NotesForm(request.POST)
    if form.is_valid():
        try:
            services.standup_notes_save(
                actor=request.user, standup_id=standup_id, notes=form.cleaned_data["notes"]
            )
        except ValidationError as error:
            _add_errors(form, error)
    if form.errors:
        template = f"{PAGE}#notes" if request.htmx else PAGE
        return _render_standup(request, page, template, notes_form=form)
    if not request.htmx:
        messages.success(request, "Notes saved.")
        return redirect("standardwork:standup_detail", standup_id=standup_id)
    page = _page(request, standup_id)
    return _render_standup(request, page, f"{PAGE}#notes", notes_saved_at=timezone.now())


@require_POST
@login_required
def standup_action_create(request, standup_id: int):
    """A new action from the stand-up: what, who (someone in the team), by when."""
    page = _page(request, standup_id)
    try:
        _require_logger(page)
    except PermissionDenied as error:
        return _refused(request, error)
    form = ActionForm(request.POST, people=followup_selectors.action_owners(page.team))
    if form.is_valid():
        data = form.cleaned_data
        try:
            action = followup.action_create(
                actor=request.user,
                team=page.team,
                source=Action.Source.STANDUP,
                standup=page.standup,
                title=data["title"],
                owner=data["owner"],
                due_date=data["due_date"],
            )
        except ValidationError as error:
            _add_errors(form, error)
    if form.errors:
        template = f"{PAGE}#actions" if request.htmx else PAGE
        return _render_standup(request, page, template, action_form=form)
    if not request.htmx:
        messages.success(request, f"Action added: {action.title}.")
        return redirect("standardwork:standup_detail", standup_id=standup_id)
    return _render_standup(request, _page(request, standup_id), f"{PAGE}#actions")


@require_POST
@login_required
def standup_impediment_raise(request, standup_id: int):
    """An impediment raised at the stand-up, by anyone in the team."""
    page = _page(request, standup_id)
    if not page.can_raise:
        return _refused(request, PermissionDenied(services.NOT_IN_TEAM))
    form = ImpedimentForm(request.POST)
    if form.is_valid():
        try:
            impediment = services.impediment_raise(
                actor=request.user,
                team=page.team,
                standup=page.standup,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except PermissionDenied as error:
            return _refused(request, error)
        except ValidationError as error:
            _add_errors(form, error)
    if form.errors:
        template = f"{PAGE}#impediments" if request.htmx else PAGE
        return _render_standup(request, page, template, impediment_form=form)
    if not request.htmx:
        messages.success(request, f"Impediment raised: {impediment.title}.")
        return redirect("standardwork:standup_detail", standup_id=standup_id)
    return _render_standup(request, _page(request, standup_id), f"{PAGE}#impediments")


@require_GET
@login_required
def standup_history(request, team_id: int):
    """Past stand-ups of the team, newest first: attendance, actions, impediments raised."""
    team = selectors.visible_team(viewer=request.user, team_id=team_id)
    if team is None:
        raise Http404("No such team.")
    standups = Paginator(selectors.standup_history(team=team), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    with timezone.override(team.time_zone):
        return render(
            request,
            "standardwork/standup_history.html",
            {
                "team": team,
                "standups": standups,
                "people_count": len(team_people(team)),
                "today": services.team_today(team),
            },
        )


# --- impediments --------------------------------------------------------------


def _render_board(request, board, *, template: str = BOARD, status: int = 200, **extra):
    return render(
        request,
        template,
        {
            "board": board,
            "team": board.team,
            "can_raise": policy.can_raise_impediment(request.user, board.team),
            "impediment_form": ImpedimentForm(),
            "return_to": request.get_full_path(),
            **extra,
        },
        status=status,
    )


@require_GET
@login_required
def team_impediments(request, team_id: int):
    """The team's impediment board: open and in progress, oldest first; recently removed."""
    board = selectors.team_impediment_board(viewer=request.user, team_id=team_id)
    if board is None:
        raise Http404("No such team.")
    return _render_board(request, board)


@require_POST
@login_required
def team_impediment_raise(request, team_id: int):
    """Anyone in the team raises an impediment on its board, outside a stand-up."""
    board = selectors.team_impediment_board(viewer=request.user, team_id=team_id)
    if board is None:
        raise Http404("No such team.")
    form = ImpedimentForm(request.POST)
    try:
        organisation.require(
            policy.can_raise_impediment(request.user, board.team), services.NOT_IN_TEAM
        )
        if form.is_valid():
            impediment = services.impediment_raise(
                actor=request.user,
                team=board.team,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
    except PermissionDenied as error:
        return _refused(request, error)
    except ValidationError as error:
        _add_errors(form, error)
    board_url = reverse("standardwork:team_impediments", args=[team_id])
    if form.errors:
        template = f"{BOARD}#active" if request.htmx else BOARD
        return _render_board(request, board, template=template, impediment_form=form,
                             return_to=board_url)  # fmt: skip
    if not request.htmx:
        messages.success(request, f"Impediment raised: {impediment.title}.")
        return redirect(board_url)
    board = selectors.team_impediment_board(viewer=request.user, team_id=team_id)
    return _render_board(request, board, template=f"{BOARD}#active", return_to=board_url)


@require_GET
@login_required
def impediment_board(request):
    """The coordinator's board: every open impediment of the teams they coordinate."""
    return render(
        request,
        "standardwork/impediment_list.html",
        {
            "board": selectors.coordinator_impediment_board(viewer=request.user),
            "return_to": request.get_full_path(),
        },
    )


@require_GET
@login_required
def impediment_detail(request, impediment_id: int):
    impediment = selectors.impediment_card(viewer=request.user, impediment_id=impediment_id)
    if impediment is None:
        raise Http404("No such impediment.")
    return render(
        request,
        "standardwork/impediment_detail.html",
        {"impediment": impediment, "return_to": request.get_full_path()},
    )


def _change_impediment(request, impediment_id: int, change, success: str):
    """Run an impediment service; answer with its card (htmx), else go back.

    A message the service gives lands at its field on the card, with what
    was typed kept; without htmx the impediment's page shows it.
    """
    impediment = selectors.impediment_card(viewer=request.user, impediment_id=impediment_id)
    if impediment is None:
        raise Http404("No such impediment.")
    default_back = reverse("standardwork:impediment_detail", args=[impediment_id])
    return_to = _back(request, default_back)
    try:
        change()
    except ObjectDoesNotExist:
        raise Http404("No such impediment.") from None
    except PermissionDenied as error:
        return _refused(request, error)
    except ValidationError as error:
        impediment.errors = _messages_of(error)
        impediment.values = request.POST
        template = "standardwork/impediment_detail.html"
        if request.htmx:
            template = f"{BOARD}#impediment"
        return render(
            request,
            template,
            {"impediment": impediment, "return_to": return_to, **_card_options(request)},
        )
    if not request.htmx:
        messages.success(request, success.format(title=impediment.title))
        return redirect(return_to)
    impediment = selectors.impediment_card(viewer=request.user, impediment_id=impediment_id)
    return render(
        request,
        f"{BOARD}#impediment",
        {"impediment": impediment, "return_to": return_to, **_card_options(request)},
    )


def _card_options(request) -> dict:
    return {"show_team": request.POST.get("show_team") == "1"}


@require_POST
@login_required
def impediment_start(request, impediment_id: int):
    return _change_impediment(
        request,
        impediment_id,
        lambda: services.impediment_start(actor=request.user, impediment_id=impediment_id),
        "In progress: {title}.",
    )


@require_POST
@login_required
def impediment_remove(request, impediment_id: int):
    return _change_impediment(
        request,
        impediment_id,
        lambda: services.impediment_remove(
            actor=request.user,
            impediment_id=impediment_id,
            how=request.POST.get("removed_how", ""),
        ),
        "Removed: {title}.",
    )


def _chosen_vsm(request) -> int | None:
    raw = request.POST.get("to", "").strip()
    if not raw:
        return None
    return int(raw) if raw.isdigit() else 0  # 0 is no one: the service says so at the field


@require_POST
@login_required
def impediment_escalate(request, impediment_id: int):
    return _change_impediment(
        request,
        impediment_id,
        lambda: services.impediment_escalate(
            actor=request.user,
            impediment_id=impediment_id,
            reason=request.POST.get("reason", ""),
            to_id=_chosen_vsm(request),
        ),
        "Escalated: {title}.",
    )


@require_POST
@login_required
def impediment_answer(request, impediment_id: int):
    return _change_impediment(
        request,
        impediment_id,
        lambda: services.impediment_answer(
            actor=request.user,
            impediment_id=impediment_id,
            answer=request.POST.get("answer", ""),
        ),
        "Answer sent: {title}.",
    )


@require_GET
@login_required
def escalations(request):
    """The VSM's escalations: waiting for an answer first, then the latest answered."""
    return render(
        request,
        "standardwork/impediment_escalations.html",
        {
            "escalations": selectors.vsm_escalations(viewer=request.user),
            "return_to": request.get_full_path(),
        },
    )


# --- actions ------------------------------------------------------------------


def _change_action(request, action_id: int, change, success: str):
    action = selectors.action_row(viewer=request.user, action_id=action_id)
    if action is None:
        raise Http404("No such action.")
    return_to = _back(request, reverse("standardwork:my_standard_work"))
    try:
        change()
    except ObjectDoesNotExist:
        raise Http404("No such action.") from None
    except PermissionDenied as error:
        return _refused(request, error)
    if not request.htmx:
        messages.success(request, success.format(title=action.title))
        return redirect(return_to)
    action = selectors.action_row(viewer=request.user, action_id=action_id)
    return render(
        request,
        f"{MY_ACTIONS}#action",
        {
            "action": action,
            "return_to": return_to,
            "show_owner": request.POST.get("show_owner") == "1",
            "show_team": request.POST.get("show_team") == "1",
        },
    )


@require_POST
@login_required
def action_complete(request, action_id: int):
    return _change_action(
        request,
        action_id,
        lambda: followup.action_complete(actor=request.user, action_id=action_id),
        "Done: {title}.",
    )


@require_POST
@login_required
def action_reopen(request, action_id: int):
    return _change_action(
        request,
        action_id,
        lambda: followup.action_reopen(actor=request.user, action_id=action_id),
        "Reopened: {title}.",
    )
