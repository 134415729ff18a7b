"""Request-wide wiring that is not an app's: the session's idle expiry and the
slow-down of password guessing before django-axes' lockout."""

import math
import time
from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.shortcuts import render
from django.utils import timezone

from leanops.base.http import client_ip

SESSION_REFRESHED_AT = "_leanops_refreshed_at"


def session_idle_refresh(get_response):
    """Renew a signed-in session's expiry at most every SESSION_REFRESH_MINUTES.

    A session expires SESSION_IDLE_MINUTES after it was last saved. Saving it on
    every request (SESSION_SAVE_EVERY_REQUEST) would write on every page; marking
    it here only when the last renewal is older than the refresh interval writes
    a few times an hour for an active person and never for an idle one.
    """
    refresh_seconds = settings.SESSION_REFRESH_MINUTES * 60

    def middleware(request):
        response = get_response(request)
        session = getattr(request, "session", None)
        # Only a session the request already loaded (signing in, or reading the
        # user): looking at one nobody read would cost a query.
        if session is None or not session.accessed or session.is_empty():
            return response
        now = time.time()
        if now - session.get(SESSION_REFRESHED_AT, 0) >= refresh_seconds:
            session[SESSION_REFRESHED_AT] = now
        return response

    return middleware


def session_refreshed_at_login(sender, request, user, **kwargs):
    """Start the renewal clock when the session is made (user_logged_in), so the
    first page after signing in writes nothing either; signing in saves the
    session anyway."""
    request.session[SESSION_REFRESHED_AT] = time.time()


# The two login forms: the site's and the admin's.
LOGIN_VIEWS = {"login", "admin:login"}


def login_wait_seconds(*, username: str, address: str) -> int:
    """Seconds before another password may be tried for `username` from `address`:
    0 under LOGIN_SLOWDOWN_AFTER failures (and at the lockout, which axes answers);
    else LOGIN_SLOWDOWN_SECONDS after the last failure, doubled for each failure
    past the first that slowed it. The account's and the address's counts each
    apply, as for the lockout."""
    worst = 0
    for match in (Q(username=username), Q(ip_address=address)):
        seen = AccessAttempt.objects.filter(match).aggregate(
            failures=Sum("failures_since_start"), last=Max("attempt_time")
        )
        failures = seen["failures"] or 0
        if not settings.LOGIN_SLOWDOWN_AFTER <= failures < settings.AXES_FAILURE_LIMIT:
            continue
        delay = settings.LOGIN_SLOWDOWN_SECONDS * 2 ** (failures - settings.LOGIN_SLOWDOWN_AFTER)
        remaining = seen["last"] + timedelta(seconds=delay) - timezone.now()
        worst = max(worst, math.ceil(remaining.total_seconds()))
    return worst


class login_slowdown:  # noqa: N801 - named as a middleware function, as the one above
    """Refuse a password tried too soon after several wrong ones (429, saying how
    long to wait), before the login form checks it, so a guesser gets a few tries a
    minute and then axes' lockout. Only POSTs to a login form are looked at."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.resolver_match.view_name not in LOGIN_VIEWS:
            return None
        username = str(request.POST.get("username", ""))[:150]
        wait = login_wait_seconds(username=username, address=client_ip(request))
        if wait <= 0:
            return None
        context = {"wait_seconds": wait, "login_path": request.path}
        response = render(request, "registration/slowed_down.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response
