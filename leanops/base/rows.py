"""What the rows written in Python (the `*_rows` template tags) share with the templates."""

from django.template.context import Context
from django.utils.html import escape


def csrf_field(context: Context) -> str:
    """The hidden CSRF input, as {% csrf_token %} writes it from the same context."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
