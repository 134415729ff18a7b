"""A row of *My standard work*, written in Python: `{% check_row %}`.

Every team leader and member opens the page daily and ticks from it; each tick
answers with its row. As a partial with a dozen variable lookups, four links and
two CSRF fields a row, the rows took about a third of the page's CPU. The
markup is what the partial wrote: the item's mark, title and meta, its miss
reason and countermeasure flag, then its buttons (Done and Missed while open,
Undo once done or missed) or, while a miss is being recorded, the miss form
(the `miss_form` partial of the page's template, the one part left to it).
"""

from django import template
from django.template.context import Context
from django.utils.dateformat import format as date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from leanops.base.paths import path_of
from leanops.base.rows import csrf_field
from standardwork.models import Check

register = template.Library()

PAGE = "standardwork/my_standard_work.html"
_MARKS = {Check.Status.DONE: "✓", Check.Status.MISSED: "✕"}
_TARGET = 'hx-target="#check-{pk}" hx-swap="outerHTML"'


def _post_button(check: Check, url_name: str, button: str, csrf: str) -> str:
    url = path_of(url_name, check.pk)
    return (
        f'<form method="post" action="{url}" hx-post="{url}" {_TARGET.format(pk=check.pk)}>'
        f"{csrf}{button}</form>"
    )


def _buttons(check: Check, title: str, csrf: str) -> str:
    if check.status != Check.Status.OPEN:
        undo = (
            '<button type="submit" class="sw-undo">'
            f'Undo<span class="visually-hidden">: {title}</span></button>'
        )
        return _post_button(check, "standardwork:check_undo", undo, csrf)
    done = (
        '<button type="submit" class="primary sw-done">'
        f'Done<span class="visually-hidden">: {title}</span></button>'
    )
    miss = path_of("standardwork:check_miss", check.pk)
    return (
        _post_button(check, "standardwork:check_tick", done, csrf)
        + f'<a class="button sw-missed" href="{miss}" hx-get="{miss}" '
        f"{_TARGET.format(pk=check.pk)}>"
        f'Missed<span class="visually-hidden">: {title}</span></a>'
    )


@register.simple_tag(takes_context=True)
def check_row(context: Context) -> SafeString:
    """The `<li>` of the context's `check`; `today` marks an item carried from an earlier
    day, `row_error` shows above its buttons, `miss_form` replaces them, and `oob_row`
    makes htmx swap it in place of the row of the same id."""
    return mark_safe(_row(context, context["check"]))


@register.simple_tag(takes_context=True)
def check_rows(context: Context, checks) -> SafeString:
    """Each of `checks`' rows as `{% check_row %}` writes it, in one tag: a page's list
    (a loop of partials cost more than the rows themselves)."""
    return mark_safe("".join(_row(context, check) for check in checks))


def _row(context: Context, check: Check) -> str:
    item = check.item
    title = escape(item.title)
    today = context.get("today")
    due = ""
    if today and check.checklist.date != today:
        due = f" · due {date_format(check.checklist.date, 'D j M')}"
    notes = ""
    if check.status == Check.Status.MISSED:
        notes += (
            f'<span class="sw-reason">Missed: {escape(check.reason_label)}. '
            f"{escape(check.miss_note)}</span>"
        )
    if check.verification == Check.Verification.COUNTERMEASURE_REQUESTED:
        notes += (
            f'<a class="sw-flag" href="#countermeasure-{check.pk}">Countermeasure asked for</a>'
        )
    error = context.get("row_error")
    if context.get("miss_form"):
        actions = context.template.engine.get_template(f"{PAGE}#miss_form").render(context)
    else:
        actions = f'<div class="sw-actions">{_buttons(check, title, csrf_field(context))}</div>'
    swap = ' hx-swap-oob="true"' if context.get("oob_row") else ""
    status = escape(check.status)
    return (
        f'<li id="check-{check.pk}" class="sw-row sw-{status}" data-status="{status}" '
        f'data-item="{check.item_id}"{swap}>'
        '<div class="sw-row-main">'
        f'<span class="sw-mark" aria-hidden="true">{_MARKS.get(check.status, "")}</span>'
        '<div class="sw-row-text">'
        f'<span class="sw-title">{title}</span>'
        f'<span class="sw-meta"> {escape(item.cadence_label)} · {item.expected_minutes} min · '
        f"{escape(item.get_kind_display())}{due} "
        f'<span class="visually-hidden"> · {escape(check.get_status_display())}</span></span>'
        f"{notes}</div></div>"
        + (f'<p class="error" role="alert">{escape(error)}</p>' if error else "")
        + f"{actions}</li>"
    )
