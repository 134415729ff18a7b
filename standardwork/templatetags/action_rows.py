"""An action's row, written in Python: `{% action_row %}`.

*My standard work* lists a person's open actions and the stand-up page its
team's; as a partial with a dozen lookups, a link, a CSRF field and a return
address a row, the actions took about half of *My standard work*'s rendering.
The markup is what the partial wrote: the action's mark, title and meta (owner
and team where asked, its source and due day, done or overdue), then Done or
Reopen for whoever may complete it, posting back to the page it is on.
"""

from django import template
from django.template.context import Context
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from leanops.base.paths import path_of
from leanops.base.rows import csrf_field
from standardwork.models import Action

register = template.Library()


def _form(context: Context, action: Action, title: str) -> str:
    if action.done_at:
        url, label = path_of("standardwork:action_reopen", action.pk), "Reopen"
    else:
        url, label = path_of("standardwork:action_complete", action.pk), "Done"
    request = context.get("request")
    back = context.get("return_to") or (request.get_full_path() if request is not None else "")
    return (
        f'<form method="post" action="{url}" hx-post="{url}" '
        f'hx-target="#action-{action.pk}" hx-swap="outerHTML">'
        f"{csrf_field(context)}"
        f'<input type="hidden" name="next" value="{escape(back)}">'
        + ('<input type="hidden" name="show_owner" value="1">' if context.get("show_owner") else "")
        + ('<input type="hidden" name="show_team" value="1">' if context.get("show_team") else "")
        + f'<button type="submit" class="sw-small">{label}'
        f'<span class="visually-hidden">: {title}</span></button></form>'
    )


@register.simple_tag(takes_context=True)
def action_row(context: Context) -> SafeString:
    """The `<li>` of the context's `action` (marked by the selectors with `overdue`,
    `due_text` and `can_complete`); `show_owner` and `show_team` add those to its meta."""
    return mark_safe(_row(context, context["action"]))


@register.simple_tag(takes_context=True)
def action_rows(context: Context, actions) -> SafeString:
    """Each of `actions`' rows as `{% action_row %}` writes it, in one tag (a loop of
    partials cost more than the rows themselves)."""
    return mark_safe("".join(_row(context, action) for action in actions))


def _row(context: Context, action: Action) -> str:
    overdue = getattr(action, "overdue", False)
    title = escape(action.title)
    if action.done_at:
        state, mark, ending = " act-done", "✓", " · done"
    elif overdue:
        state, mark = " act-overdue", "!"
        ending = ' · <strong class="act-overdue-label">overdue</strong>'
    else:
        state, mark, ending = "", "", ""
    meta = ""
    if context.get("show_owner"):
        meta += f"{escape(action.owner.display_name)} · "
    if context.get("show_team"):
        meta += f"{escape(action.team.name)} · "
    due = escape(getattr(action, "due_text", ""))
    meta += f"{escape(action.get_source_display())} · due {due}{ending}"
    form = _form(context, action, title) if getattr(action, "can_complete", False) else ""
    return (
        f'<li id="action-{action.pk}" class="act-row{state}" '
        f'data-done="{"yes" if action.done_at else "no"}" '
        f'data-overdue="{"yes" if overdue else "no"}">'
        f'<span class="act-mark" aria-hidden="true">{mark}</span>'
        f'<div class="act-text"><span class="act-title">{title}</span>'
        f'<span class="act-meta"> {meta} </span></div>{form}</li>'
    )
