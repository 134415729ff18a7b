"""The one-click unsubscribe: public (no login), from the link or the mail client.

RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the URL in
the List-Unsubscribe header, without cookies or a CSRF token; a person who
opens the link gets a page with one button (a GET changes nothing, so a link
scanner cannot unsubscribe anyone). The signed token is the only key.
"""

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from valuestream.services import prospects as prospect_services


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request):
    token = request.GET.get("t", "") or request.POST.get("t", "")
    prospect = prospect_services.prospect_from_token(token) if token else None
    if prospect is None:
        return render(request, "valuestream/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        prospect_services.prospect_opt_out(prospect=prospect)
        return render(
            request, "valuestream/unsubscribe.html", {"done": True, "email": prospect.email}
        )
    return render(
        request,
        "valuestream/unsubscribe.html",
        {"token": token, "email": prospect.email, "done": prospect.opted_out},
    )
