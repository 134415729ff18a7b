"""Filters for rendering an agenda (plain JSON: dates are ISO strings)."""

from datetime import date

from django import template

register = template.Library()


@register.filter
def isodate(value):
    """An ISO date string ("2026-11-23") as a date, for the `date` filter; else as it is."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


@register.filter
def percent(value) -> str:
    """A percentage, or an en dash when there is none."""
    return "–" if value is None else f"{value}%"
