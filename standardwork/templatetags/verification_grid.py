"""The verification grid's rows, written in Python: `{% grid_row row %}`.

A four-teams board has 32 rows of 5 cells; as template tags and a partial per
row they took about half of the page's CPU (a dozen variable lookups and a
property a cell). The markup is what the template wrote: the person's name and
layer, then a link a cell opening the person's day in place (htmx, with its
`href` for a plain request), its tooltip, the count and marks.
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
def grid_row(row: GridRow, oob: bool = False) -> SafeString:
    """The person's `<tr>`: their name and layer, then a `<td>` for each day. With `oob`,
    htmx swaps it in place of the row of the same id (after a change in the panel)."""
    person = row.person
    swap = ' hx-swap-oob="true"' if oob else ""
    cells = "".join(_cell(cell, person.pk) for cell in row.cells)
    return mark_safe(
        f'<tr id="vg-{person.pk}" data-person="{escape(person.username)}"{swap}>'
        f'<th scope="row"><span class="vg-name">{escape(person.display_name)}</span> '
        f"<small>{row.layer_short}</small></th>{cells}</tr>"
    )
