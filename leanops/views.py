import logging
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from leanops import navigation
from leanops.health import health_check


@require_GET
@login_required
def home(request):
    """Send each person to the landing page of their highest layer."""
    return redirect(navigation.landing_url(request.user))


# --- refusals: one way for every app ---------------------------------------------
#
# Services raise PermissionDenied (and selectors Http404) with a message that
# names what is missing; views let it propagate; these handlers show it in the
# layout, or, to an htmx request, as a fragment put into the page's messages
# area (htmx swaps 403 and 404 answers, see static/js/htmx_config.js).

REFUSED = "You do not have access to this."
NOT_FOUND = "There is nothing at this address."


def _message(exception, default: str) -> str:
    # Http404 raised by the URL resolver carries a dict (the path tried), not a sentence.
    message = exception.args[0] if exception is not None and exception.args else ""
    return message if isinstance(message, str) and message else default


def _refusal(request, template: str, message: str, status: int) -> HttpResponse:
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        response = render(request, f"{template}#message", {"exception": message}, status=status)
        # Whatever the request aimed at, the message goes to the messages area.
        response["HX-Retarget"] = "#messages"
        response["HX-Reswap"] = "innerHTML show:window:top"
        response["HX-Reselect"] = ".messages"
        response["HX-Push-Url"] = "false"
        return response
    return render(request, template, {"exception": message}, status=status)


def permission_denied(request, exception=None):
    """handler403: the service's message, in the layout or as an htmx fragment."""
    return _refusal(request, "403.html", _message(exception, REFUSED), status=403)


def page_not_found(request, exception=None):
    """handler404: like permission_denied (with DEBUG on, Django shows its own page)."""
    return _refusal(request, "404.html", _message(exception, NOT_FOUND), status=404)


UNAVAILABLE = "The service is briefly unavailable. Please try again in a moment."
UNAVAILABLE_RETRY_AFTER_SECONDS = 10
logger = logging.getLogger(__name__)


def server_error(request):
    """handler500: a database that is down or restarting is a 503 saying so, not a 500.

    Django calls this for any exception a view or a middleware did not handle (it has
    logged it already, with the traceback). The database errors are the connection
    kind (OperationalError, InterfaceError): the next request, on a new connection
    (CONN_HEALTH_CHECKS), succeeds once the database is back. The page is rendered
    without the request's context: its context processors would query the database.
    """
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    logger.warning("The database is unavailable (%s: %s): answered 503",
                   error.__class__.__name__, " ".join(str(error).split())[:200])  # fmt: skip
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        response = HttpResponse(
            render_to_string("503.html#message", {"message": UNAVAILABLE}), status=503
        )
        response["HX-Retarget"] = "#messages"
        response["HX-Reswap"] = "innerHTML show:window:top"
        response["HX-Reselect"] = ".messages"
        response["HX-Push-Url"] = "false"
    else:
        response = HttpResponse(render_to_string("503.html", {"message": UNAVAILABLE}), status=503)
    response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_SECONDS)
    return response


@never_cache
@require_GET
def healthz(request):
    """The database, the broker, and the beat and worker heartbeats as JSON;
    503, with each problem in words, when any of them is down."""
    health = health_check()
    return JsonResponse(health.as_json(), status=200 if health.healthy else 503)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login refused by the throttle (AXES_LOCKOUT_CALLABLE):
    the login page's layout saying for how long, with 429 Too Many Requests.
    Only a login is ever refused, so the way back is the login page it came from
    (the site's or the admin's)."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "login_path": request.path,
    }
    return render(request, "registration/locked_out.html", context, status=429)
