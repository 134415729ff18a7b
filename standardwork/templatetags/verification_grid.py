"""The verification grid's cells, written once per row in Python.

A four-teams board has 160 cells; as template tags they took about a third of
the page's CPU (a dozen variable lookups and a property each). The markup is
the same as a template would write: a link opening the person's day in place
(htmx, with its `href` for a plain request), its tooltip, the count and marks.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from standardwork.selectors.verification import GridCell, GridRow

register = template.Library()


def _cell(cell: GridCell, person_id: int) -> str:
    if not cell.total:
        text = "leave" if cell.absent else "" if cell.future else "–"
        return f'<td class="vg-none"><span title="{escape(cell.summary)}">{text}</span></td>'
    day = f"?date={cell.iso}&amp;person={person_id}"
    carried = f"<i>+{cell.carried}</i>" if cell.carried else ""
    mark = '<b class="vg-chg">Δ</b>' if cell.changed else "<b>✓</b>" if cell.confirmed else ""
    return (
        f'<td class="vg-{cell.state}"><a href="{day}" hx-get="{day}" title="{escape(cell.label)}">'
        f"{cell.done}/{cell.total}{carried}{mark}</a></td>"
    )


@register.simple_tag
def grid_cells(row: GridRow) -> SafeString:
    """The `<td>` of each of the row's days."""
    person_id = row.person.pk
    return mark_safe("".join(_cell(cell, person_id) for cell in row.cells))
