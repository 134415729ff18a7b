"""The VSM's weekly progress dashboard (their landing page) and its CSV export.

`?week=` names the week (any of its days, "2026-11-18", or "2026-W47"); a value
that is not a week, or out of range, is said on the page and this week shown.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from leanops.base.http import parse_week_param
from valuestream import exports
from valuestream.selectors import dashboard as selectors

NOT_FOR_YOU = "The weekly dashboard is for value stream managers and team coordinators."


def _week(request, scopes):
    """The Monday of ?week=, or None for each value stream's own this week."""
    value = request.GET.get("week")
    if not value:
        return None
    today = selectors.value_stream_today(scopes[0].value_stream)
    try:
        return parse_week_param(value, default=today, latest=today)
    except ValidationError as error:
        messages.error(request, f"{' '.join(error.messages)} Showing this week.")
        return None


def _render(request, scopes, *, single: bool):
    boards = selectors.dashboard_boards(scopes=scopes, week=_week(request, scopes))
    return render(
        request,
        "valuestream/dashboard.html",
        {
            "boards": boards,
            "single": single,
            "not_set_up": selectors.CAMPAIGNS_NOT_SET_UP,
            "list_shown": selectors.LIST_SHOWN,
        },
    )


@require_GET
@login_required
def dashboard(request):
    scopes = selectors.dashboard_scopes(user=request.user)
    if not scopes:
        raise PermissionDenied(NOT_FOR_YOU)
    return _render(request, scopes, single=len(scopes) == 1)


@require_GET
@login_required
def value_stream_dashboard(request, value_stream_id: int):
    scope = selectors.dashboard_scope(user=request.user, value_stream_id=value_stream_id)
    if scope is None:
        raise Http404("No such value stream.")
    return _render(request, [scope], single=True)


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(exports.csv_rows(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_scope_and_week(request, value_stream_id: int):
    scope = selectors.dashboard_scope(user=request.user, value_stream_id=value_stream_id)
    if scope is None:
        raise Http404("No such value stream.")
    today = selectors.value_stream_today(scope.value_stream)
    return scope, _week(request, [scope]) or parse_week_param(None, default=today)


@require_GET
@login_required
def adherence_csv(request, value_stream_id: int):
    scope, week = _csv_scope_and_week(request, value_stream_id)
    rows = selectors.adherence_csv_rows(scope=scope, week_start=week)
    return _csv_response(rows, f"adherence-{scope.value_stream.pk}-{week:%G-W%V}.csv")


@require_GET
@login_required
def funnel_csv(request, value_stream_id: int):
    """Each campaign's funnel, spend, revenue and ROI, and the week's calls (the panel's)."""
    scope, week = _csv_scope_and_week(request, value_stream_id)
    rows = selectors.funnel_csv_rows(scope=scope, week_start=week)
    return _csv_response(rows, f"funnel-{scope.value_stream.pk}-{week:%G-W%V}.csv")
