"""Request-wide wiring that is not an app's: the session's idle expiry."""

import time

from django.conf import settings

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
