"""Improvement: a team's PDCA/SDCA cycles and control points.

Thin views: validate, call the service, render. The cycle page shows the
form of the next allowed step; an htmx step answers with the page's `cycle`
partial (the new phase and its form, or the form with its errors), a plain
POST redirects back or shows the page with the errors. The quick measurement
entry works the same way with the control point's `body` partial.

Errors:
- not the user's to see: 404; the user's to see but not to change: the
  PermissionDenied of the policy (asked here, enforced again by the service)
  propagates to the 403 page, nothing written;
- ValidationError: the message at its field, or above the step's form; a
  refused move ("A cycle in Plan moves to Do, not to Act.") above the form
  of the step the cycle is really at.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from leanops.base.forms import form_add_service_errors, form_apply_service
from roles import policy as organisation
from roles.models import Team
from standardwork import calendar, policy, xmr
from standardwork.forms.cycles import (
    AbandonForm,
    ActForm,
    AdoptForm,
    AdoptItemFormSet,
    BaselineForm,
    CheckForm,
    ControlPointForm,
    CycleStartForm,
    FollowUpForm,
    MeasurementChangeForm,
    MeasurementForm,
    SdcaCloseForm,
)
from standardwork.forms.followup import ActionForm, ActionFormSet
from standardwork.models import ControlPoint, Cycle
from standardwork.selectors import cycles as selectors
from standardwork.selectors import followup as followup_selectors
from standardwork.services import cycles as services
from standardwork.services.templates import ItemSpec

CYCLE_PAGE = "standardwork/cycle_detail.html"
CONTROL_POINT_PAGE = "standardwork/control_point_detail.html"
Phase = Cycle.Phase


def _visible_team(request, team_id: int) -> Team:
    team = selectors.visible_team(user=request.user, team_id=team_id)
    if team is None:
        raise Http404("No such team.")
    return team


# --- lists --------------------------------------------------------------------


@require_GET
@login_required
def improvement_home(request):
    """The teams whose improvement work the user sees; straight to it when there is one."""
    teams = list(selectors.improvement_teams(user=request.user))
    if len(teams) == 1:
        return redirect("standardwork:team_improvement", team_id=teams[0].pk)
    return render(request, "standardwork/cycle_teams.html", {"teams": teams})


@require_GET
@login_required
def team_improvement(request, team_id: int):
    page = selectors.team_improvement(user=request.user, team_id=team_id)
    if page is None:
        raise Http404("No such team.")
    return render(
        request,
        "standardwork/cycle_list.html",
        {
            "page": page,
            "team": page.team,
            "can_start": policy.can_move_cycle(request.user, page.team),
            "can_add_control_point": policy.can_manage_control_points(request.user, page.team),
        },
    )


# --- starting a cycle ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def cycle_start(request, team_id: int):
    team = _visible_team(request, team_id)
    organisation.require(policy.can_move_cycle(request.user, team), services.MOVE_REFUSED)
    standards = selectors.standard_choices(team)
    form = CycleStartForm(
        request.POST or None,
        team=team,
        standards=standards,
        initial={"standard": request.GET.get("standard")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cycle = form_apply_service(
            form,
            lambda: services.cycle_start(
                actor=request.user,
                team=team,
                kind=data["kind"],
                title=data["title"],
                problem=data["problem"],
                hypothesis=data["hypothesis"],
                target=data["target"],
                stage=data["stage"],
                standard=data["standard"],
            ),
        )
        if cycle is not None:
            messages.success(request, f"{cycle} planned. Add its actions to move it to Do.")
            return redirect("standardwork:cycle_detail", cycle_id=cycle.pk)
    return render(request, "standardwork/cycle_start.html", {"team": team, "form": form})


# --- one cycle and its steps --------------------------------------------------


def _page_or_404(request, cycle_id: int) -> selectors.CyclePage:
    page = selectors.cycle_detail(user=request.user, cycle_id=cycle_id)
    if page is None:
        raise Http404("No such cycle.")
    return page


def _step_forms(page: selectors.CyclePage, today) -> dict:
    """Unbound forms of the step the cycle is at."""
    cycle = page.cycle
    people = followup_selectors.action_owners(cycle.team)
    if cycle.phase == Phase.PLAN:
        return {
            "actions_formset": ActionFormSet(
                prefix="actions", form_kwargs={"people": people, "today": today}
            )
        }
    if cycle.phase == Phase.DO:
        return {
            "check_form": CheckForm(),
            "action_form": ActionForm(prefix="action", people=people, today=today),
        }
    if cycle.phase == Phase.CHECK:
        return {"act_form": ActForm()}
    if cycle.phase == Phase.ACT:
        if cycle.kind == Cycle.Kind.SDCA:
            return {"sdca_form": SdcaCloseForm()}
        return {
            "abandon_form": AbandonForm(),
            "follow_up_form": FollowUpForm(
                initial={
                    "title": f"Follow-up: {cycle.title}"[:200],
                    "problem": cycle.check_result or cycle.problem,
                    "hypothesis": cycle.hypothesis,
                    "target": cycle.target,
                }
            ),
            "adopt_form": AdoptForm(initial={"note": services.adopt_note(cycle)}),
        }
    return {}


def _cycle_context(request, page: selectors.CyclePage, **bound) -> dict:
    cycle = page.cycle
    today = calendar.team_today(cycle.team)
    return {
        "page": page,
        "cycle": cycle,
        "team": cycle.team,
        "today": today,
        "phases": [Phase.PLAN, Phase.DO, Phase.CHECK, Phase.ACT, Phase.CLOSED],
        "can_move": policy.can_move_cycle(request.user, cycle.team),
        "can_adopt": policy.can_adopt_cycle(request.user, cycle.team),
        "can_add_control_point": cycle.phase != Phase.CLOSED
        and policy.can_manage_control_points(request.user, cycle.team),
        **_step_forms(page, today),
        **bound,
    }


@require_GET
@login_required
def cycle_detail(request, cycle_id: int):
    page = _page_or_404(request, cycle_id)
    return render(request, CYCLE_PAGE, _cycle_context(request, page))


def _move_refusal(to_phase: str):
    return lambda cycle: services.transition_refusal(cycle.phase, to_phase)


def _closing_refusal(outcome: str):
    return lambda cycle: (
        services.transition_refusal(cycle.phase, Phase.CLOSED)
        or services.outcome_refusal(cycle, outcome)
    )


def _adding_refusal(cycle: Cycle) -> str | None:
    if cycle.phase == Phase.DO:
        return None
    return f"Actions are added in Do; this cycle is in {cycle.get_phase_display()}."


def _step(
    request, cycle_id: int, *, refusal, build_form, call, done: str, form_name: str, answer=None
):
    """One step of a cycle: who may, whether the cycle is at that step, the form, the service.

    `refusal(cycle)` says why the cycle is not at this step (shown above the form
    of the step it is at); `build_form(page)` returns the bound form or formset;
    `call(page, form)` runs the service, which checks all of it again under a lock.
    Answers with the cycle partial (htmx), a redirect, or the page with the errors;
    `answer(result)`, when given, answers a success instead.
    """
    page = _page_or_404(request, cycle_id)
    organisation.require(
        policy.can_move_cycle(request.user, page.cycle.team), services.MOVE_REFUSED
    )
    step_error = refusal(page.cycle) or ""
    form = None if step_error else build_form(page)
    if form is not None and form.is_valid():
        try:
            result = call(page, form)
        except ValidationError as error:
            if getattr(error, "code", None) == "transition":
                # Moved meanwhile by someone else: show the step it is really at.
                step_error = " ".join(error.messages)
                form = None
                page = _page_or_404(request, cycle_id)
            elif hasattr(form, "forms"):  # a formset: its errors go above its forms
                form.non_form_errors().extend(error.messages)
            else:
                form_add_service_errors(form, error)
        else:
            if answer is not None:
                return answer(result)
            if not request.htmx:
                messages.success(request, done)
                return redirect("standardwork:cycle_detail", cycle_id=cycle_id)
            page = _page_or_404(request, cycle_id)
            return render(
                request, f"{CYCLE_PAGE}#cycle", {**_cycle_context(request, page), "done": done}
            )
    context = _cycle_context(request, page, step_error=step_error)
    if form is not None:
        context[form_name] = form
    return render(request, f"{CYCLE_PAGE}#cycle" if request.htmx else CYCLE_PAGE, context)


@require_POST
@login_required
def cycle_do(request, cycle_id: int):
    def build(page):
        return ActionFormSet(
            request.POST,
            prefix="actions",
            form_kwargs={
                "people": followup_selectors.action_owners(page.cycle.team),
                "today": calendar.team_today(page.cycle.team),
            },
        )

    return _step(
        request,
        cycle_id,
        refusal=_move_refusal(Phase.DO),
        build_form=build,
        call=lambda page, formset: services.cycle_do(
            actor=request.user,
            cycle_id=page.cycle.pk,
            actions=[form.to_spec() for form in formset if form.has_changed()],
        ),
        done="Moved to Do.",
        form_name="actions_formset",
    )


@require_POST
@login_required
def cycle_action_add(request, cycle_id: int):
    def build(page):
        return ActionForm(
            request.POST,
            prefix="action",
            people=followup_selectors.action_owners(page.cycle.team),
            today=calendar.team_today(page.cycle.team),
        )

    return _step(
        request,
        cycle_id,
        refusal=_adding_refusal,
        build_form=build,
        call=lambda page, form: services.cycle_action_add(
            actor=request.user, cycle_id=page.cycle.pk, action=form.to_spec()
        ),
        done="Action added.",
        form_name="action_form",
    )


@require_POST
@login_required
def cycle_check(request, cycle_id: int):
    return _step(
        request,
        cycle_id,
        refusal=_move_refusal(Phase.CHECK),
        build_form=lambda page: CheckForm(request.POST),
        call=lambda page, form: services.cycle_check(
            actor=request.user,
            cycle_id=page.cycle.pk,
            check_result=form.cleaned_data["check_result"],
        ),
        done="Moved to Check.",
        form_name="check_form",
    )


@require_POST
@login_required
def cycle_act(request, cycle_id: int):
    return _step(
        request,
        cycle_id,
        refusal=_move_refusal(Phase.ACT),
        build_form=lambda page: ActForm(request.POST),
        call=lambda page, form: services.cycle_act(
            actor=request.user, cycle_id=page.cycle.pk, note=form.cleaned_data["note"]
        ),
        done="Moved to Act: decide what becomes of it.",
        form_name="act_form",
    )


@require_POST
@login_required
def cycle_close(request, cycle_id: int):
    """Abandon a PDCA cycle, or close an SDCA cycle: the standard holds, or was corrected."""
    outcome = request.POST.get("outcome", "")
    if outcome == Cycle.Outcome.ABANDON:
        return _step(
            request,
            cycle_id,
            refusal=_closing_refusal(Cycle.Outcome.ABANDON),
            build_form=lambda page: AbandonForm(request.POST),
            call=lambda page, form: services.cycle_close(
                actor=request.user,
                cycle_id=page.cycle.pk,
                outcome=Cycle.Outcome.ABANDON,
                note=form.cleaned_data["note"],
            ),
            done="Cycle abandoned.",
            form_name="abandon_form",
        )
    return _step(
        request,
        cycle_id,
        refusal=_closing_refusal(Cycle.Outcome.STANDARD_HOLDS),
        build_form=lambda page: SdcaCloseForm(request.POST),
        call=lambda page, form: services.cycle_close(
            actor=request.user,
            cycle_id=page.cycle.pk,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            corrective_action=form.cleaned_data["corrective_action"],
        ),
        done="Cycle closed.",
        form_name="sdca_form",
    )


@require_POST
@login_required
def cycle_follow_up(request, cycle_id: int):
    """Close the cycle and start its follow-up in Plan; answer with the new cycle."""

    def call(page, form):
        data = form.cleaned_data
        return services.cycle_follow_up(
            actor=request.user,
            cycle_id=page.cycle.pk,
            title=data["title"],
            problem=data["problem"],
            hypothesis=data["hypothesis"],
            target=data["target"],
        )

    def answer(follow_up: Cycle):
        url = reverse("standardwork:cycle_detail", args=[follow_up.pk])
        messages.success(request, f"Follow-up started: {follow_up.title}.")
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)

    return _step(
        request,
        cycle_id,
        refusal=_closing_refusal(Cycle.Outcome.FOLLOW_UP),
        build_form=lambda page: FollowUpForm(request.POST),
        call=call,
        done="",
        form_name="follow_up_form",
        answer=answer,
    )


def _item_specs(formset) -> list[ItemSpec]:
    return [
        form.to_spec()
        for form in formset
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


@require_http_methods(["GET", "POST"])
@login_required
def cycle_adopt(request, cycle_id: int):
    """Adopt: the standard changes. The items start as the current version's."""
    page = selectors.adopt_page(user=request.user, cycle_id=cycle_id)
    if page is None:
        raise Http404("No such cycle.")
    cycle = page.cycle
    organisation.require(policy.can_adopt_cycle(request.user, cycle.team), services.ADOPT_REFUSED)
    refusal = services.transition_refusal(cycle.phase, Phase.CLOSED)
    if refusal is None and cycle.kind != Cycle.Kind.PDCA:
        refusal = "Only a PDCA cycle is adopted; an SDCA cycle ends with its standard checked."
    if refusal and request.method == "GET":
        messages.error(request, refusal)
        return redirect("standardwork:cycle_detail", cycle_id=cycle.pk)
    form = AdoptForm(request.POST or None, initial={"note": services.adopt_note(cycle)})
    formset = AdoptItemFormSet(request.POST or None, initial=page.items) if cycle.standard else None
    if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
        version = form_apply_service(
            form,
            lambda: services.cycle_adopt(
                actor=request.user,
                cycle_id=cycle.pk,
                items=_item_specs(formset) if formset is not None else (),
                note=form.cleaned_data["note"],
            ),
        )
        if not form.errors:
            if version is not None:
                messages.success(
                    request,
                    f"Adopted: {version.template.name} is now version {version.number}.",
                )
            else:
                messages.success(request, "Adopted.")
            return redirect("standardwork:cycle_detail", cycle_id=cycle.pk)
    return render(
        request,
        "standardwork/cycle_adopt.html",
        {
            "cycle": cycle,
            "form": form,
            "formset": formset,
            "current": page.current,
            "next_version": page.next_version,
        },
    )


# --- control points -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def control_point_create(request, team_id: int):
    team = _visible_team(request, team_id)
    organisation.require(
        policy.can_manage_control_points(request.user, team), services.CONTROL_POINT_REFUSED
    )
    form = ControlPointForm(
        request.POST or None,
        cycles=selectors.open_cycles(team),
        initial={"cycle": request.GET.get("cycle")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        control_point = form_apply_service(
            form,
            lambda: services.control_point_create(
                actor=request.user,
                team=team,
                name=data["name"],
                unit=data["unit"],
                target=data["target"],
                lower_limit=data["lower_limit"],
                upper_limit=data["upper_limit"],
                cycle=data["cycle"],
                allows_negative=data["allows_negative"],
                plausible_min=data["plausible_min"],
                plausible_max=data["plausible_max"],
            ),
        )
        if control_point is not None:
            messages.success(request, f"Control point added: {control_point}.")
            return redirect("standardwork:control_point_detail", control_point_id=control_point.pk)
    return render(request, "standardwork/control_point_create.html", {"team": team, "form": form})


def _control_point_page(request, control_point_id: int) -> selectors.ControlPointPage:
    page = selectors.control_point_detail(user=request.user, control_point_id=control_point_id)
    if page is None:
        raise Http404("No such control point.")
    return page


def _control_point_context(request, page: selectors.ControlPointPage, **extra) -> dict:
    control_point = page.control_point
    team = control_point.team
    can_change_process = policy.can_record_process_change(request.user, team)
    context = {
        "page": page,
        "control_point": control_point,
        "chart": page.chart,
        "rules": xmr.RULES,
        "can_record": policy.can_record_measurement(request.user, team),
        "can_correct": policy.can_correct_measurement(request.user, team),
        "can_change_process": can_change_process,
        "min_values": xmr.MIN_VALUES,
        "baseline_size": xmr.BASELINE_SIZE,
        "form": _measurement_form(control_point),
        "baseline_form": BaselineForm(today=page.today) if can_change_process else None,
    }
    return {**context, **extra}


def _measurement_form(control_point: ControlPoint, data=None) -> MeasurementForm:
    form = MeasurementForm(data, today=calendar.team_today(control_point.team))
    form.fields["value"].label = f"Value ({control_point.unit})"
    return form


@require_GET
@login_required
def control_point_detail(request, control_point_id: int):
    page = _control_point_page(request, control_point_id)
    return render(request, CONTROL_POINT_PAGE, _control_point_context(request, page))


def _control_point_answer(request, control_point_id: int, *, done: str, flagged: bool = False):
    """After a write: a plain POST goes back to the page; htmx gets the body redrawn."""
    if not request.htmx:
        (messages.warning if flagged else messages.success)(request, done)
        return redirect("standardwork:control_point_detail", control_point_id=control_point_id)
    page = _control_point_page(request, control_point_id)
    context = _control_point_context(request, page, done=done, flagged=flagged)
    context["form"].fields["value"].widget.attrs["autofocus"] = True  # ready for the next value
    return render(request, f"{CONTROL_POINT_PAGE}#body", context)


@require_POST
@login_required
def measurement_record(request, control_point_id: int):
    """The quick entry: htmx gets the chart redrawn with the new point, or the form's errors.

    A questioned date or a day that has a value comes back with a box to tick.
    """
    page = _control_point_page(request, control_point_id)
    control_point = page.control_point
    form = _measurement_form(control_point, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        measurement = form_apply_service(
            form,
            lambda: services.measurement_record(
                actor=request.user,
                control_point_id=control_point.pk,
                value=data["value"],
                measured_on=data["measured_on"],
                confirm_date=data["confirm_date"],
                replace=data["replace"],
            ),
        )
        if measurement is not None:
            done = (
                f"Recorded {xmr.format_number(measurement.value)} {control_point.unit} "
                f"on {xmr.format_day(measurement.measured_on, page.today)}."
            )
            if measurement.out_of_limits:
                done += f" Flagged: {measurement.signal}. The team's coordinator is told."
            return _control_point_answer(
                request, control_point.pk, done=done, flagged=measurement.out_of_limits
            )
    return render(
        request,
        f"{CONTROL_POINT_PAGE}#body" if request.htmx else CONTROL_POINT_PAGE,
        _control_point_context(request, page, form=form),
    )


@require_POST
@login_required
def baseline_start(request, control_point_id: int):
    """The TC or TL records a process change: a new baseline from a date."""
    page = _control_point_page(request, control_point_id)
    control_point = page.control_point
    organisation.require(
        policy.can_record_process_change(request.user, control_point.team),
        services.PROCESS_CHANGE_REFUSED,
    )
    form = BaselineForm(request.POST, today=page.today)
    if form.is_valid():
        baseline = form_apply_service(
            form,
            lambda: services.control_point_baseline_start(
                actor=request.user,
                control_point_id=control_point.pk,
                starts_on=form.cleaned_data["starts_on"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if baseline is not None:
            done = (
                f"New baseline from {xmr.format_day(baseline.starts_on, page.today)}: "
                "its values get limits of their own."
            )
            return _control_point_answer(request, control_point.pk, done=done)
    return render(
        request,
        f"{CONTROL_POINT_PAGE}#body" if request.htmx else CONTROL_POINT_PAGE,
        _control_point_context(request, page, baseline_form=form),
    )


@require_http_methods(["GET", "POST"])
@login_required
def measurement_change(request, measurement_id: int):
    """Correct or void one value, with the reason; its history is listed under the form."""
    page = selectors.measurement_detail(user=request.user, measurement_id=measurement_id)
    if page is None:
        raise Http404("No such value.")
    control_point = page.control_point
    organisation.require(
        policy.can_correct_measurement(request.user, control_point.team),
        services.CORRECT_REFUSED,
    )
    form = MeasurementChangeForm(
        request.POST or None, initial={"value": page.measurement.value.normalize()}
    )
    form.fields["value"].label = f"Correct value ({control_point.unit})"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        voiding = data["action"] == MeasurementChangeForm.VOID

        def call():
            if voiding:
                return services.measurement_void(
                    actor=request.user, measurement_id=measurement_id, reason=data["reason"]
                )
            return services.measurement_correct(
                actor=request.user,
                measurement_id=measurement_id,
                value=data["value"],
                reason=data["reason"],
            )

        if voiding:
            done = f"Voided the value of {page.day_label}; the limits are computed without it."
        else:
            done = (
                f"Corrected the value of {page.day_label} to "
                f"{xmr.format_number(data['value'])} {control_point.unit}."
            )
        if form_apply_service(form, call) is not None:
            messages.success(request, done)
            return redirect("standardwork:control_point_detail", control_point_id=control_point.pk)
    return render(
        request,
        "standardwork/control_point_measurement.html",
        {"page": page, "control_point": control_point, "form": form},
    )
