"""`{% path %}`: `{% url %}` for the rows of hot pages (leanops.base.paths).

`{% load paths %}` then `{% path 'standardwork:check_tick' check.pk %}` gives what
`{% url 'standardwork:check_tick' check.pk %}` gives, `as name` included.
"""

from django import template

from leanops.base.paths import path_of

register = template.Library()


@register.simple_tag
def path(name: str, *args) -> str:
    return path_of(name, *args)
