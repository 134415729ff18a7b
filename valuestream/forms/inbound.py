"""The mail provider's webhook: its signature and its JSON body, checked before anything
is looked up or written."""

import hashlib
import hmac
import json

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.utils import ErrorDict

SIGNATURE_HEADER = "X-LeanOps-Signature"


def inbound_signature(body: bytes, secret: str) -> str:
    """What the provider sends in SIGNATURE_HEADER: "sha256=" and the hex HMAC of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def inbound_signature_valid(body: bytes, signature: str, secret: str) -> bool:
    """True only for the body's own signature under a configured secret. No secret, no
    entry: an unset secret must not make every signature (or none) valid."""
    if not secret or not signature:
        return False
    given = signature.strip()
    if not given.startswith("sha256="):
        given = "sha256=" + given
    return hmac.compare_digest(given.lower(), inbound_signature(body, secret))


class InboundEventForm(forms.Form):
    """`{"event": "reply" | "bounce", "email": "..."}`."""

    REPLY, BOUNCE = "reply", "bounce"

    event = forms.ChoiceField(
        choices=[(REPLY, "Reply"), (BOUNCE, "Bounce")],
        error_messages={"invalid_choice": 'The event is "reply" or "bounce".'},
    )
    email = forms.EmailField(max_length=254)

    NOT_AN_OBJECT = 'The body is a JSON object: {"event": "reply" or "bounce", "email": "..."}.'

    def __init__(self, *args, body_problem: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.body_problem = body_problem

    def full_clean(self):
        super().full_clean()
        if self.body_problem:
            # Not an object at all: that is the one thing to say, not each missing field.
            self._errors = ErrorDict({NON_FIELD_ERRORS: self.error_class([self.body_problem])})
            self.cleaned_data = {}

    @classmethod
    def from_body(cls, body: bytes) -> "InboundEventForm":
        """The form bound to the JSON body; a body that is not a JSON object is refused."""
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            data = None
        if not isinstance(data, dict):
            return cls(data={}, body_problem=cls.NOT_AN_OBJECT)
        # Only strings are values a form field reads; anything else counts as missing.
        return cls(data={key: value for key, value in data.items() if isinstance(value, str)})
