"""The ceiling: the least a logged-in page does (the session, the user, a tiny body).

Served by the same gunicorn in the same run as the real pages, so each page's
requests/s is judged as a share of what Django itself allows on this machine.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET


@require_GET
@login_required
def ceiling(request):
    return HttpResponse(f"ceiling: a logged-in page for user {request.user.pk}\n")
