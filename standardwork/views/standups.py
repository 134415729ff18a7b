"""Stand-ups, impediment boards, the VSM's escalations and actions.

Thin views, as in views/checklists.py: find the object through a selector
that only finds what the viewer may see (404 otherwise, so another team's
stand-ups, impediments and actions do not exist for them), validate the POST
with a form, call the service, render. An htmx request gets a named partial;
every form also works as a plain POST and redirects back (to a local `next`
only, see leanops.base.http.safe_next), or shows the page again with the
message at the field.

Errors, the same way everywhere:
- PermissionDenied, from a service or from the policy function the view asks
  before validating (the same one the service enforces): it propagates to
  templates/403.html, and nothing is written.
- ValidationError, from a form or a service: the message at the field (htmx:
  status 200, so htmx swaps it in).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from leanops.base.forms import form_add_service_errors
from leanops.base.http import safe_next
from roles import policy as organisation
from standardwork import calendar, policy
from standardwork.forms.followup import ActionForm
from standardwork.forms.standups import (
    EscalationAnswerForm,
    ImpedimentEscalateForm,
    ImpedimentForm,
    ImpedimentRemoveForm,
    NotesForm,
)
from standardwork.models import Action
from standardwork.selectors import followup as followup_selectors
from standardwork.selectors import standups as selectors
from standardwork.services import followup
from standardwork.services import standups as services

PAGE = "standardwork/standup_detail.html"
BOARD = "standardwork/impediment_board.html"
ESCALATIONS = "standardwork/impediment_escalations.html"
MY_ACTIONS = "standardwork/_my_actions.html"
# The element an answer on the VSM's escalations page swaps: both lists, so an
# answered escalation leaves "Waiting for an answer" at once.
ESCALATIONS_TARGET = "escalations"


def _messages_of(error: ValidationError) -> dict[str, str]:
    """{field: message}; what belongs to no field is under "general"."""
    if hasattr(error, "error_dict"):
        return {
            ("general" if name == "__all__" else name): " ".join(ValidationError(e).messages)
            for name, e in error.error_dict.items()
        }
    return {"general": " ".join(error.messages)}


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
        today = calendar.team_today(team)
        messages.info(request, f"No stand-up today: {team.name} does not work on {today:%A}s.")
        return redirect("standardwork:standup_history", team_id=team.pk)
    return redirect("standardwork:standup_detail", standup_id=standup.pk)


def _page(request, standup_id: int) -> selectors.StandupPage:
    # ?all=1 lists every action due and open impediment; any other value, the first few.
    page = selectors.standup_page(
        viewer=request.user, standup_id=standup_id, show_all=request.GET.get("all") == "1"
    )
    if page is None:
        raise Http404("No such stand-up.")
    return page


def _render_standup(request, page, template: str = PAGE, *, status: int = 200, **extra):
    standup = page.standup
    context = {
        "page": page,
        "standup": standup,
        "team": page.team,
        "timer_text": page.timer_text(timezone.now()),
        "return_to": reverse("standardwork:standup_detail", args=[standup.pk]),
        "action_form": ActionForm(
            people=followup_selectors.action_owners(page.team),
            today=page.today,
            initial={"due_date": page.today},
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


def _standup_change(request, standup_id: int, change, partial: str, success: str):
    """Run a stand-up service; answer with its part of the page, or go back to the page."""
    page = _page(request, standup_id)
    try:
        change(page)
    except ObjectDoesNotExist:
        raise Http404("No such stand-up.") from None
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
        lambda page: services.standup_start(actor=request.user, standup_id=standup_id),
        "timer",
        f"Stand-up started: {selectors.STANDUP_MINUTES} minutes.",
    )


@require_POST
@login_required
def standup_end(request, standup_id: int):
    return _standup_change(
        request,
        standup_id,
        lambda page: services.standup_end(actor=request.user, standup_id=standup_id),
        "timer",
        "Stand-up ended.",
    )


@require_POST
@login_required
def standup_attendance(request, standup_id: int):
    """Everyone's attendance at once: the form without JavaScript.

    Only the ticked ids of the team's own people count; anything else posted
    as `present` is ignored, as an unticked box would be.
    """
    present = set(request.POST.getlist("present"))
    return _standup_change(
        request,
        standup_id,
        lambda page: services.standup_attendance_set(
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
    _page(request, standup_id)
    try:
        services.standup_attendance_set(
            actor=request.user,
            standup_id=standup_id,
            present={person_id: str(person_id) in request.POST.getlist("present")},
        )
    except ValidationError as error:
        message = " ".join(_messages_of(error).values())
        if not request.htmx:
            messages.error(request, message)
            return redirect("standardwork:standup_detail", standup_id=standup_id)
        return HttpResponse(message, status=422)
    if not request.htmx:
        return redirect("standardwork:standup_detail", standup_id=standup_id)
    page = _page(request, standup_id)
    person = next(person for person in page.people if person.pk == person_id)
    return _render_standup(request, page, f"{PAGE}#attendance_state_with_count", person=person)


@require_POST
@login_required
def standup_notes(request, standup_id: int):
    page = _page(request, standup_id)
    # The rule the service enforces, asked first: an outsider's typo is refused, not corrected.
    organisation.require(page.can_log, followup.NOT_LOGGER)
    form = NotesForm(request.POST)
    if form.is_valid():
        try:
            services.standup_notes_save(
                actor=request.user, standup_id=standup_id, notes=form.cleaned_data["notes"]
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
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
    organisation.require(page.can_log, followup.NOT_LOGGER)
    form = ActionForm(
        request.POST, people=followup_selectors.action_owners(page.team), today=page.today
    )
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
            form_add_service_errors(form, error)
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
    organisation.require(page.can_raise, services.NOT_IN_TEAM)
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
        except ValidationError as error:
            form_add_service_errors(form, error)
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
    history = selectors.standup_history_page(
        viewer=request.user, team_id=team_id, page=request.GET.get("page")
    )
    if history is None:
        raise Http404("No such team.")
    with timezone.override(history.team.time_zone):
        return render(
            request,
            "standardwork/standup_history.html",
            {"history": history, "team": history.team, "standups": history.standups},
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
    organisation.require(
        policy.can_raise_impediment(request.user, board.team), services.NOT_IN_TEAM
    )
    form = ImpedimentForm(request.POST)
    if form.is_valid():
        try:
            impediment = services.impediment_raise(
                actor=request.user,
                team=board.team,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
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


# A card's longer forms: who may open each (the rule its POST asks) and the refusal.
IMPEDIMENT_FORMS = {
    "remove": (policy.can_change_impediment, services.NOT_OWNER),
    "escalate": (policy.can_escalate_impediment, services.NOT_ESCALATOR),
}


@require_GET
@login_required
def impediment_form(request, impediment_id: int, which: str):
    """One form of an impediment's card: the fragment htmx fetches when the person opens
    it on a list of cards, or, without JavaScript, the impediment's page with it open."""
    impediment = selectors.impediment_card(viewer=request.user, impediment_id=impediment_id)
    if impediment is None:
        raise Http404("No such impediment.")
    rule, refusal = IMPEDIMENT_FORMS[which]
    organisation.require(rule(request.user, impediment), refusal)
    context = {
        "impediment": impediment,
        "return_to": safe_next(
            request, reverse("standardwork:impediment_detail", args=[impediment_id])
        ),
        "show_team": request.GET.get("show_team") == "1",
        "open_form": which,
    }
    if request.htmx:
        return render(request, f"{BOARD}#{which}_form", context)
    return render(request, "standardwork/impediment_detail.html", context)


def _card_options(request) -> dict:
    return {"show_team": request.POST.get("show_team") == "1"}


def _render_escalations(request, return_to: str):
    return render(
        request,
        f"{ESCALATIONS}#lists",
        {
            "escalations": selectors.vsm_escalations(viewer=request.user),
            "return_to": return_to,
            "answer_target": f"#{ESCALATIONS_TARGET}",
        },
    )


def _change_impediment(request, impediment_id: int, *, rule, refusal: str, form_class=None,
                       form_kwargs=None, change, success: str):  # fmt: skip
    """Ask `rule`, validate the POST with `form_class`, run `change(cleaned_data)`.

    `form_kwargs(impediment)` gives the form what it needs from the card. The
    answer: htmx gets the impediment's card (or, from the VSM's escalations
    page, both its lists); a plain POST goes back to a local `next`, else to
    the impediment's page. A message from the form or the service lands at
    its field on the card, with what was typed kept.
    """
    impediment = selectors.impediment_card(viewer=request.user, impediment_id=impediment_id)
    if impediment is None:
        raise Http404("No such impediment.")
    organisation.require(rule(request.user, impediment), refusal)
    return_to = safe_next(request, reverse("standardwork:impediment_detail", args=[impediment_id]))
    errors = None
    form = None
    if form_class is not None:
        form = form_class(request.POST, **(form_kwargs(impediment) if form_kwargs else {}))
        if not form.is_valid():
            errors = {
                ("general" if name == "__all__" else name): " ".join(messages_)
                for name, messages_ in form.errors.items()
            }
    if errors is None:
        try:
            change(form.cleaned_data if form is not None else {})
        except ObjectDoesNotExist:
            raise Http404("No such impediment.") from None
        except ValidationError as error:
            errors = _messages_of(error)
    if errors is not None:
        impediment.errors = errors
        impediment.values = request.POST
        context = {"impediment": impediment, "return_to": return_to, **_card_options(request)}
        if not request.htmx:
            return render(request, "standardwork/impediment_detail.html", context)
        response = render(request, f"{BOARD}#impediment", context)
        if request.htmx.target == ESCALATIONS_TARGET:
            # The message belongs on the card, not in place of both lists.
            response = reswap(retarget(response, f"#impediment-{impediment_id}"), "outerHTML")
        return response
    if not request.htmx:
        messages.success(request, success.format(title=impediment.title))
        return redirect(return_to)
    if request.htmx.target == ESCALATIONS_TARGET:
        return _render_escalations(request, return_to)
    impediment = selectors.impediment_card(viewer=request.user, impediment_id=impediment_id)
    return render(
        request,
        f"{BOARD}#impediment",
        {"impediment": impediment, "return_to": return_to, **_card_options(request)},
    )


@require_POST
@login_required
def impediment_start(request, impediment_id: int):
    return _change_impediment(
        request,
        impediment_id,
        rule=policy.can_change_impediment,
        refusal=services.NOT_OWNER,
        change=lambda data: services.impediment_start(
            actor=request.user, impediment_id=impediment_id
        ),
        success="In progress: {title}.",
    )


@require_POST
@login_required
def impediment_remove(request, impediment_id: int):
    return _change_impediment(
        request,
        impediment_id,
        rule=policy.can_change_impediment,
        refusal=services.NOT_OWNER,
        form_class=ImpedimentRemoveForm,
        change=lambda data: services.impediment_remove(
            actor=request.user, impediment_id=impediment_id, how=data["removed_how"]
        ),
        success="Removed: {title}.",
    )


@require_POST
@login_required
def impediment_escalate(request, impediment_id: int):
    return _change_impediment(
        request,
        impediment_id,
        rule=policy.can_escalate_impediment,
        refusal=services.NOT_ESCALATOR,
        form_class=ImpedimentEscalateForm,
        form_kwargs=lambda impediment: {"targets": selectors.escalation_targets(impediment.team)},
        change=lambda data: services.impediment_escalate(
            actor=request.user,
            impediment_id=impediment_id,
            reason=data["reason"],
            to_id=data["to"],
        ),
        success="Escalated: {title}.",
    )


@require_POST
@login_required
def impediment_answer(request, impediment_id: int):
    return _change_impediment(
        request,
        impediment_id,
        rule=policy.can_answer_escalation,
        refusal=services.NOT_ANSWERER,
        form_class=EscalationAnswerForm,
        change=lambda data: services.impediment_answer(
            actor=request.user, impediment_id=impediment_id, answer=data["answer"]
        ),
        success="Answer sent: {title}.",
    )


@require_GET
@login_required
def escalations(request):
    """The VSM's escalations: waiting for an answer first, then the latest answered."""
    return render(
        request,
        ESCALATIONS,
        {
            "escalations": selectors.vsm_escalations(viewer=request.user),
            "return_to": request.get_full_path(),
            "answer_target": f"#{ESCALATIONS_TARGET}",
        },
    )


# --- actions ------------------------------------------------------------------


def _change_action(request, action_id: int, change, success: str):
    action = selectors.action_row(viewer=request.user, action_id=action_id)
    if action is None:
        raise Http404("No such action.")
    return_to = safe_next(request, reverse("standardwork:my_standard_work"))
    try:
        change()
    except (ObjectDoesNotExist, ValidationError):
        # Gone between the lookup and the row lock (the service says "no longer exists").
        raise Http404("No such action.") from None
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
