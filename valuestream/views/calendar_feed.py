"""The personal calendar feed: its page (the secret address, and a button to reset it)
and the feed itself, read by a calendar app without a login.

The feed answers 404 to any token that is not a current one, so a reset address,
like a guessed one, shows nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from valuestream import ical
from valuestream.selectors import calendar_feed as selectors
from valuestream.services import calendar_feed as services


@require_GET
@login_required
def calendar_feed_settings(request):
    feed = selectors.feed_for(user=request.user)
    url = request.build_absolute_uri(_feed_path(feed.token)) if feed is not None else ""
    return render(request, "valuestream/calendar_feed.html", {"feed": feed, "feed_url": url})


def _feed_path(token: str) -> str:
    return reverse("valuestream:calendar_feed", args=[token])


@require_POST
@login_required
def calendar_feed_reset(request):
    had_one = selectors.feed_for(user=request.user) is not None
    if had_one:
        services.calendar_feed_reset(actor=request.user)
        messages.success(request, "Your calendar address is new: the old one no longer works.")
    else:
        services.calendar_feed_ensure(actor=request.user)
        messages.success(request, "Your calendar address is ready.")
    return redirect("valuestream:calendar_feed_settings")


@require_GET
def calendar_feed(request, token: str):
    owner = selectors.feed_owner(token=token)
    if owner is None:
        raise Http404("No such calendar.")
    now = timezone.now()
    text = ical.calendar_text(
        selectors.feed_events(user=owner, now=now),
        method="PUBLISH",
        name=f"LeanOps: {owner.display_name}",
        stamp=now,
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
