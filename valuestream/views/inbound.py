"""The mail provider's webhook for replies and bounces: public (the provider cannot log
in), CSRF-exempt, and authenticated only by an HMAC-SHA256 signature of the body with
INBOUND_HOOK_SECRET. A wrong or missing signature, or no secret set, is a 403 and
nothing is read or written."""

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from valuestream.forms.inbound import SIGNATURE_HEADER, InboundEventForm, inbound_signature_valid
from valuestream.services import prospects as prospect_services


@csrf_exempt
@require_POST
def inbound_hook(request):
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not inbound_signature_valid(request.body, signature, settings.INBOUND_HOOK_SECRET):
        return JsonResponse({"error": "The signature does not match."}, status=403)
    form = InboundEventForm.from_body(request.body)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(_messages(form))}, status=400)
    stopped = prospect_services.inbound_event_record(
        event=form.cleaned_data["event"], email=form.cleaned_data["email"]
    )
    # An unknown address is answered 200: a retry by the provider would not find it either.
    if stopped is None:
        return JsonResponse({"stopped": 0, "detail": "No prospect has this address."})
    return JsonResponse({"stopped": stopped})


def _messages(form: InboundEventForm) -> list[str]:
    return [
        message if name == "__all__" else f"{name}: {message}"
        for name, messages in form.errors.items()
        for message in messages
    ]
