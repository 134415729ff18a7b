"""My standard work and the verification board.

Thin views: validate, call the service, render. An htmx request gets a named
partial (the row with an out-of-band progress bar, or one person's card on the
board); the same forms work as plain POSTs and redirect back.

Errors, the same way everywhere:
- PermissionDenied from a service: 403 with the service's message, nothing written.
- ValidationError: the message at the row or form (htmx: status 200, so htmx
  swaps it in); without htmx a flash message and a redirect back.
- CheckGone (or a checklist that is gone): "That item no longer exists; reload
  the page." in place of the row (htmx, status 200), else flashed.
"""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from leanops.base.forms import form_add_service_errors, form_apply_service
from roles import policy as organisation
from roles import selectors as roles_selectors
from roles.models import Team, User, ValueStream
from roles.selectors import person_places
from standardwork import calendar, policy, services
from standardwork.forms.checklists import (
    AbsenceForm,
    BoardDateForm,
    CountermeasureRecordForm,
    CountermeasureRequestForm,
    MissForm,
    TemplateCreateForm,
    TemplateItemFormSet,
    TemplateReviseForm,
)
from standardwork.models import Absence, Check, Checklist, StandardWorkTemplate
from standardwork.selectors import adherence
from standardwork.selectors import checklists as selectors
from standardwork.selectors import standups as standup_selectors
from standardwork.selectors import templates as template_selectors
from standardwork.services import ItemSpec, followup

TREND_WEEKS = 8

PAGE = "standardwork/my_standard_work.html"
BOARD = "standardwork/verify_board.html"
GONE = "That item no longer exists; reload the page."
CHECKLIST_GONE = "That checklist no longer exists; reload the page."


def _messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def _refused(request, error: PermissionDenied) -> HttpResponse:
    return render(
        request,
        "standardwork/refused.html",
        {"message": str(error) or "You do not have access to this."},
        status=403,
    )


# --- my standard work ---------------------------------------------------------


@require_GET
@login_required
def my_standard_work(request):
    """Today's checklist, issued now if the worker has not yet."""
    checklist = services.checklist_issue_today(user=request.user)
    page = selectors.my_standard_work(user=request.user, checklist=checklist)
    return render(
        request,
        PAGE,
        {
            "page": page,
            "today": page.today,
            "progress": page.progress,
            "my_actions": standup_selectors.my_actions(user=request.user),
        },
    )


def _row(request, check: Check, *, error: str = "", miss_form: MissForm | None = None):
    """The row, and the progress bar out of band, for an htmx request."""
    today = calendar.local_date(timezone.now(), check.checklist.time_zone)
    context = {
        "check": check,
        "today": today,
        "row_error": error,
        "miss_form": miss_form,
        "progress": selectors.todays_progress(user=request.user, day=today),
        "oob": True,
    }
    return render(request, f"{PAGE}#row_with_progress", context)


def _gone(request, check_id: int, message: str = GONE):
    if request.htmx:
        return render(request, f"{PAGE}#gone", {"check_id": check_id, "message": message})
    messages.error(request, message)
    return redirect("standardwork:my_standard_work")


def _change_check(request, check_id: int, change, success: str):
    """Run a row's service; answer with the row (htmx) or a redirect to the page."""
    try:
        check = change()
    except services.CheckGone as error:
        return _gone(request, check_id, str(error))
    except PermissionDenied as error:
        return _refused(request, error)
    except ValidationError as error:
        if not request.htmx:
            messages.error(request, _messages_of(error))
            return redirect("standardwork:my_standard_work")
        check = selectors.check_row(check_id=check_id)
        if check is None:
            return _gone(request, check_id)
        return _row(request, check, error=_messages_of(error))
    if request.htmx:
        return _row(request, check)
    messages.success(request, success.format(title=check.item.title))
    return redirect("standardwork:my_standard_work")


@require_POST
@login_required
def check_tick(request, check_id: int):
    return _change_check(
        request,
        check_id,
        lambda: services.check_tick(actor=request.user, check_id=check_id),
        "Done: {title}.",
    )


@require_POST
@login_required
def check_undo(request, check_id: int):
    return _change_check(
        request,
        check_id,
        lambda: services.check_undo(actor=request.user, check_id=check_id),
        "Reopened: {title}.",
    )


def _own_check_or_refuse(request, check_id: int) -> Check | None:
    check = selectors.check_row(check_id=check_id)
    if check is not None and check.checklist.owner_id != request.user.pk:
        raise PermissionDenied("You can only change your own standard work.")
    return check


@require_GET
@login_required
def check_row(request, check_id: int):
    """The row as it is (the miss form's Cancel); without htmx, the page."""
    if not request.htmx:
        return redirect("standardwork:my_standard_work")
    try:
        check = _own_check_or_refuse(request, check_id)
    except PermissionDenied as error:
        return _refused(request, error)
    if check is None:
        return _gone(request, check_id)
    return _row(request, check)


@require_http_methods(["GET", "POST"])
@login_required
def check_miss(request, check_id: int):
    """Mark an item missed: a reason from the list or typed, and a note.

    htmx gets the row with the form in it; without JavaScript it is a page.
    """
    try:
        check = _own_check_or_refuse(request, check_id)
    except PermissionDenied as error:
        return _refused(request, error)
    if check is None:
        return _gone(request, check_id)
    form = MissForm(request.POST or None, check_id=check_id)
    if request.method == "POST" and form.is_valid():
        try:
            check = services.check_mark_missed(
                actor=request.user,
                check_id=check_id,
                reason=form.cleaned_data["reason"],
                reason_text=form.cleaned_data["reason_text"],
                note=form.cleaned_data["note"],
            )
        except services.CheckGone as error:
            return _gone(request, check_id, str(error))
        except PermissionDenied as error:
            return _refused(request, error)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            if request.htmx:
                return _row(request, check)
            messages.success(request, f"Missed: {check.item.title}.")
            return redirect("standardwork:my_standard_work")
    if request.htmx:
        return _row(request, check, miss_form=form)
    return render(request, "standardwork/check_miss.html", {"check": check, "form": form})


@require_POST
@login_required
def check_record_countermeasure(request, check_id: int):
    """The owner answers a countermeasure request; the item turns green on the board."""
    form = CountermeasureRecordForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            check = services.check_record_countermeasure(
                actor=request.user,
                check_id=check_id,
                countermeasure=form.cleaned_data["countermeasure"],
            )
        except services.CheckGone as gone:
            return _gone(request, check_id, str(gone))
        except PermissionDenied as refused:
            return _refused(request, refused)
        except ValidationError as invalid:
            error = _messages_of(invalid)
        else:
            if not request.htmx:
                messages.success(request, f"Countermeasure recorded: {check.item.title}.")
                return redirect("standardwork:my_standard_work")
            check = selectors.check_row(check_id=check_id)
            today = calendar.local_date(timezone.now(), check.checklist.time_zone)
            return render(
                request,
                f"{PAGE}#countermeasure_recorded",
                {
                    "check": check,
                    "today": today,
                    # The row, if the page lists it, loses its "asked for" flag too.
                    "row_on_page": check.checklist.date == today
                    or selectors.is_carried(check, today=today),
                },
            )
    else:
        error = " ".join(form.errors.get("countermeasure", []))
    if not request.htmx:
        messages.error(request, error)
        return redirect("standardwork:my_standard_work")
    try:
        check = _own_check_or_refuse(request, check_id)
    except PermissionDenied as refused:
        return _refused(request, refused)
    if check is None:
        return _gone(request, check_id)
    return render(
        request,
        f"{PAGE}#countermeasure",
        {
            "check": check,
            "countermeasure_error": error,
            "countermeasure_text": request.POST.get("countermeasure", ""),
        },
    )


@require_POST
@login_required
def notice_read(request, notice_id: int):
    followup.notice_mark_read(actor=request.user, notice_id=notice_id)
    if request.htmx:
        return HttpResponse("")
    return redirect("standardwork:my_standard_work")


# --- the verification board ---------------------------------------------------


def _board_url(day: date) -> str:
    return f"{reverse('standardwork:verify_board')}?{urlencode({'date': day.isoformat()})}"


@require_GET
@login_required
def verify_board(request):
    """The layer below, one row per person, red and green, for one day."""
    today = services.person_today(request.user)
    form = BoardDateForm(request.GET)
    day = (form.cleaned_data["date"] if form.is_valid() else None) or today
    rows = selectors.verification_board(verifier=request.user, day=day)
    return render(
        request,
        BOARD,
        {
            "rows": rows,
            "without_checklist": [row for row in rows if row.checklist is None],
            "day": day,
            "today": today,
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "date_error": " ".join(form.errors.get("date", [])),
            "can_verify": True,
        },
    )


def _board_gone(request, message: str):
    """Something on the board went away: say so and show the board as it is now."""
    messages.error(request, message)
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect("standardwork:verify_board")


def _person_card(request, *, person_id: int, day: date, **extra):
    row = selectors.board_row(viewer=request.user, person_id=person_id, day=day)
    if row is None:
        raise PermissionDenied("You verify only the standard work of the layer below you.")
    return render(
        request,
        f"{BOARD}#person",
        {"row": row, "can_verify": policy.can_verify(request.user, row.person), **extra},
    )


@require_GET
@login_required
def checklist_detail(request, checklist_id: int):
    """One person's day as the board shows it, for them and the layers above them."""
    checklist = Checklist.objects.select_related("owner").filter(pk=checklist_id).first()
    if checklist is None:
        raise Http404(CHECKLIST_GONE)
    if not organisation.can_view_person(request.user, checklist.owner):
        return _refused(request, PermissionDenied("You can see only your own standard work."))
    row = selectors.board_row(viewer=request.user, person_id=checklist.owner_id, day=checklist.date)
    return render(
        request,
        "standardwork/checklist_detail.html",
        {
            "row": row,
            "day": checklist.date,
            "can_verify": policy.can_verify(request.user, checklist.owner),
        },
    )


@require_POST
@login_required
def checklist_confirm(request, checklist_id: int):
    try:
        checklist = services.checklist_confirm(actor=request.user, checklist_id=checklist_id)
    except Checklist.DoesNotExist:
        return _board_gone(request, CHECKLIST_GONE)
    except PermissionDenied as error:
        return _refused(request, error)
    if request.htmx:
        return _person_card(request, person_id=checklist.owner_id, day=checklist.date)
    messages.success(request, f"Confirmed {checklist.owner.display_name}'s standard work.")
    return redirect(_board_url(checklist.date))


@require_POST
@login_required
def check_request_countermeasure(request, check_id: int):
    """Ask the owner for a countermeasure; the item stays red until they record one."""
    check = selectors.check_row(check_id=check_id)
    if check is None:
        return _board_gone(request, GONE)
    form = CountermeasureRequestForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.check_request_countermeasure(
                actor=request.user, check_id=check_id, comment=form.cleaned_data["comment"]
            )
        except services.CheckGone:
            return _board_gone(request, GONE)
        except PermissionDenied as refused:
            return _refused(request, refused)
        except ValidationError as invalid:
            error = _messages_of(invalid)
    else:
        error = " ".join(form.errors.get("comment", []))
    day, owner_id = check.checklist.date, check.checklist.owner_id
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"Countermeasure asked for: {check.item.title}.")
        return redirect(_board_url(day))
    extra = {}
    if error:
        extra = {
            "ask_check_id": check_id,
            "ask_error": error,
            "ask_text": request.POST.get("comment", ""),
        }
    try:
        return _person_card(request, person_id=owner_id, day=day, **extra)
    except PermissionDenied as refused:
        return _refused(request, refused)


# --- adherence ----------------------------------------------------------------


def _week_from_query(request, today: date) -> date:
    """The Monday of ?week=YYYY-MM-DD, or of this week; a bad value falls back with a message."""
    raw = request.GET.get("week")
    day = today
    if raw:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            messages.error(request, f"{raw!r} is not a date like 2026-11-16; showing this week.")
    return adherence.week_bounds(day)[0]


def _week_context(week_start: date, today: date) -> dict:
    next_week = week_start + timedelta(days=7)
    return {
        "week_start": week_start,
        "previous_week": week_start - timedelta(days=7),
        "next_week": next_week if next_week <= today else None,
    }


@require_GET
@login_required
def person_adherence(request, person_id: int):
    person = get_object_or_404(User, pk=person_id)
    if not organisation.can_view_person(request.user, person):
        raise Http404("No such person.")
    # One read of the person's calendar serves both today's date and the report.
    places = person_places(user_ids=[person.pk])
    place = places.get(person.pk)
    today = calendar.local_date(timezone.now(), place.time_zone if place else "UTC")
    week_start = _week_from_query(request, today)
    report = adherence.adherence_report(
        people=[person],
        start=week_start - timedelta(weeks=TREND_WEEKS - 1),
        end=week_start + timedelta(days=6),
        today=today,
        places=places,
    )
    row = report.people[0]
    week_days = [(day, tally) for day, tally in row.by_day.items() if day >= week_start]
    week = adherence.Tally(target_percent=row.total.target_percent)
    for _, tally in week_days:
        week.add(tally)
    return render(
        request,
        "standardwork/adherence_person.html",
        {
            "person": person,
            "report": report,
            "row": row,
            "week": week,
            "days": week_days,
            "weeks": sorted(row.by_week.items()),
            **_week_context(week_start, today),
        },
    )


@require_GET
@login_required
def team_adherence(request, team_id: int):
    team = roles_selectors.team_detail(user=request.user, team_id=team_id)
    if team is None:
        raise Http404("No such team.")
    organisation.require(
        policy.can_view_team_work(request.user, team),
        "Team results are for the team's leader, coordinator and VSM.",
    )
    today = calendar.local_date(timezone.now(), team.time_zone)
    week_start = _week_from_query(request, today)
    report = adherence.adherence_report(
        people=adherence.team_people(team),
        start=week_start,
        end=week_start + timedelta(days=6),
        today=today,
    )
    return render(
        request,
        "standardwork/adherence_team.html",
        {"team": team, "report": report, **_week_context(week_start, today)},
    )


# --- templates ----------------------------------------------------------------


def _scope_kwargs(scope: str) -> dict:
    kind, _, pk = scope.partition(":")
    if kind == "team":
        return {"team": get_object_or_404(Team, pk=int(pk))}
    if kind == "vs":
        return {"value_stream": get_object_or_404(ValueStream, pk=int(pk))}
    return {}


@require_GET
@login_required
def template_list(request):
    return render(
        request,
        "standardwork/template_list.html",
        {
            "templates": template_selectors.template_list(user=request.user),
            "can_create": bool(template_selectors.template_scopes(request.user)),
        },
    )


@require_GET
@login_required
def template_detail(request, template_id: int):
    template = template_selectors.template_detail(user=request.user, template_id=template_id)
    if template is None:
        raise Http404("No such template.")
    return render(
        request,
        "standardwork/template_detail.html",
        {
            "template": template,
            "can_edit": policy.can_edit_template(request.user, template),
        },
    )


def _items_initial(template: StandardWorkTemplate) -> list[dict]:
    version = template.versions.order_by("-number").first()
    return [
        {
            "title": item.title,
            "cadence": item.cadence,
            "weekday": item.weekday,
            "day_of_month": item.day_of_month,
            "expected_minutes": item.expected_minutes,
            "kind": item.kind,
        }
        for item in version.items.order_by("position")
    ]


def _item_specs(formset) -> list[ItemSpec]:
    return [
        form.to_spec()
        for form in formset
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


@require_http_methods(["GET", "POST"])
@login_required
def template_edit(request, template_id: int):
    template = template_selectors.template_detail(user=request.user, template_id=template_id)
    if template is None:
        raise Http404("No such template.")
    organisation.require(
        policy.can_edit_template(request.user, template),
        "Only the team's coordinator or the value stream's VSM changes this standard work.",
    )
    head_form = TemplateReviseForm(request.POST or None)
    formset = TemplateItemFormSet(request.POST or None, initial=_items_initial(template))
    if request.method == "POST" and head_form.is_valid() and formset.is_valid():
        version = form_apply_service(
            head_form,
            lambda: services.template_revise(
                actor=request.user,
                template=template,
                items=_item_specs(formset),
                note=head_form.cleaned_data["note"],
            ),
        )
        if version is not None:
            messages.success(request, f"{template.name} is now version {version.number}.")
            return redirect("standardwork:template_detail", template_id=template.pk)
    return render(
        request,
        "standardwork/template_edit.html",
        {
            "template": template,
            "head_form": head_form,
            "formset": formset,
            "next_version": template.versions.all()[0].number + 1,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def template_create(request):
    scopes = template_selectors.template_scopes(request.user)
    organisation.require(
        bool(scopes), "Only a coordinator, a VSM or an administrator adds standard work."
    )
    head_form = TemplateCreateForm(request.POST or None, scopes=scopes)
    formset = TemplateItemFormSet(request.POST or None)
    if request.method == "POST" and head_form.is_valid() and formset.is_valid():
        data = head_form.cleaned_data
        template = form_apply_service(
            head_form,
            lambda: services.template_create(
                actor=request.user,
                name=data["name"],
                layer=data["layer"],
                items=_item_specs(formset),
                **_scope_kwargs(data["scope"]),
            ),
        )
        if template is not None:
            messages.success(request, f"{template.name} created.")
            return redirect("standardwork:template_detail", template_id=template.pk)
    return render(
        request,
        "standardwork/template_edit.html",
        {"template": None, "head_form": head_form, "formset": formset},
    )


# --- leave --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def absence_list(request):
    """Record leave for yourself or the people you lead; see what is coming up."""
    people = organisation.overseen_people(request.user).order_by("first_name", "last_name")
    form = AbsenceForm(request.POST or None, people=people, initial={"person": request.user})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        absence = form_apply_service(
            form,
            lambda: services.absence_record(
                actor=request.user,
                person=data["person"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                reason=data["reason"],
            ),
        )
        if absence is not None:
            messages.success(
                request,
                f"Leave recorded for {absence.person.display_name}, "
                f"{absence.start_date:%d %b} to {absence.end_date:%d %b %Y}.",
            )
            return redirect("standardwork:absence_list")
    today = services.person_today(request.user)
    upcoming = (
        Absence.objects.filter(person__in=people, end_date__gte=today)
        .select_related("person")
        .order_by("start_date")
    )
    return render(request, "standardwork/absence_list.html", {"form": form, "absences": upcoming})
