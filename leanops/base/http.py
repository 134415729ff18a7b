"""HTTP helpers every app's views share: ground floor, imports no app.

Query parameters and redirect targets come from the client; these helpers
turn them into something safe to use, or a clear refusal, never a 500.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_local_path(value: str, request: HttpRequest) -> bool:
    """`value` is a path on this site: "/..." (not "//" or "/\\"), no control characters."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return False
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        return False
    return url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request: HttpRequest, fallback_url: str) -> str:
    """Where to go back to: the request's `next` (POST, else GET) if it is a local path.

    Anything else (another site, "abc", "-1", an emoji, a control character)
    gives `fallback_url`, the page the action came from: `redirect()` would
    read such a value as a view name and answer 500.
    """
    value = request.POST.get("next") or request.GET.get("next") or ""
    return value if is_safe_local_path(value, request) else fallback_url


# --- dates and weeks in the query string ----------------------------------------

# How far from today a page's ?date= or ?week= may reach: wide enough for any
# history or plan, narrow enough that date arithmetic never leaves the calendar.
DATE_PARAM_REACH = timedelta(days=366 * 10)


def parse_date_param(
    value: str | None, *, default: date, earliest: date | None = None, latest: date | None = None
) -> date:
    """The date in a query parameter ("2026-11-16"), or `default` when it is empty.

    Raises ValidationError with a message to show on the page when `value` is
    not a date or lies outside [earliest, latest] (by default ten years either
    side of `default`): the caller shows it and falls back to `default`.
    """
    value = (value or "").strip()
    if not value:
        return default
    earliest = earliest or default - DATE_PARAM_REACH
    latest = latest or default + DATE_PARAM_REACH
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or len(value) != 10:
        raise ValidationError(f"“{value[:20]}” is not a date like {default.isoformat()}.")
    if not earliest <= day <= latest:
        raise ValidationError(
            f"{day.isoformat()} is out of range: choose a day from "
            f"{earliest.isoformat()} to {latest.isoformat()}."
        )
    return day


def parse_week_param(
    value: str | None, *, default: date, earliest: date | None = None, latest: date | None = None
) -> date:
    """The Monday of the week a query parameter names ("2026-11-18" or "2026-W47").

    `default` is any day of the week to show when `value` is empty. Raises
    ValidationError like parse_date_param.
    """
    value = (value or "").strip()
    if "-W" in value.upper():
        year, _, week = value.upper().partition("-W")
        try:
            monday = date.fromisocalendar(int(year), int(week), 1)
        except ValueError:
            raise ValidationError(
                f"“{value[:20]}” is not a week like {default.isoformat()} or {default:%G-W%V}."
            ) from None
        value = monday.isoformat()
    day = parse_date_param(value, default=default, earliest=earliest, latest=latest)
    return day - timedelta(days=day.isoweekday() - 1)


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting X-Forwarded-For only as far as our own proxies.

    Each of the TRUSTED_PROXY_COUNT proxies in front appends the address it saw,
    so the client is that many entries from the right; whatever is further left
    the client wrote itself. With fewer entries than that the request did not
    come through the proxies, and the socket's address is the only truth.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote_addr
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < proxies:
        return remote_addr
    return forwarded[-proxies]
