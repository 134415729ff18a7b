"""Notices in one place: the person's unread notices, newest first, each linking to
what it is about, with "Mark read" and one "Mark all read"; those read in the last
two weeks below, greyed. The header's badge (standardwork.navigation) links here.

"Mark read" works with htmx (the notice turns read in place and the badge is
updated out of band) and as a plain POST (back to the page). Someone else's
notice, like a missing one, is not found (the service raises Http404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from standardwork.forms.followup import NoticesPageForm
from standardwork.selectors import followup as selectors
from standardwork.services import followup as services

PAGE = "standardwork/notices.html"


@require_GET
@login_required
def notices(request):
    page_number = NoticesPageForm(request.GET).page_number()
    page = selectors.notices_page(user=request.user, page=page_number)
    return render(request, PAGE, {"page": page})


@require_POST
@login_required
def notice_read(request, notice_id: int):
    notice = services.notice_mark_read(actor=request.user, notice_id=notice_id)
    if request.htmx:
        unread = selectors.unread_notice_count(request.user, fresh=True)
        return render(request, f"{PAGE}#read_now", {"notice": notice, "unread": unread})
    return redirect("standardwork:notices")


@require_POST
@login_required
def notices_read_all(request):
    marked = services.notices_mark_all_read(actor=request.user)
    if marked:
        messages.success(request, f"Marked {marked} notice{'s' if marked != 1 else ''} read.")
    return redirect("standardwork:notices")
