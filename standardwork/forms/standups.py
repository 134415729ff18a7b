"""Forms of the stand-up page, the impediment boards and the VSM's escalations.

They check what a field alone can tell (present, short enough, no NUL byte,
a VSM from the list); the services check the rules (a due date not in the
past, an owner in the team, a VSM the team's value stream has) and their
messages land on the same fields.
"""

from django import forms

from roles.models import User, ValueStream
from standardwork.models import Impediment, Standup

NOTES_MAX = Standup._meta.get_field("notes").max_length
DESCRIPTION_MAX = Impediment._meta.get_field("description").max_length
REMOVED_HOW_MAX = Impediment._meta.get_field("removed_how").max_length
REASON_MAX = Impediment._meta.get_field("escalation_reason").max_length
ANSWER_MAX = Impediment._meta.get_field("escalation_answer").max_length

# Django's CharField refuses a NUL byte before it reaches the database; say so plainly.
NUL_BYTE = "Remove the invisible NUL character from the text; it cannot be saved."


def _text(max_length: int, required: str, **kwargs) -> forms.CharField:
    return forms.CharField(
        max_length=max_length,
        error_messages={
            "required": required,
            "max_length": f"Keep it under {max_length} characters.",
            "null_characters_not_allowed": NUL_BYTE,
        },
        **kwargs,
    )


class NotesForm(forms.Form):
    notes = forms.CharField(
        max_length=NOTES_MAX,
        required=False,
        label="Notes: what changed since yesterday",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"null_characters_not_allowed": NUL_BYTE},
    )


class ImpedimentForm(forms.Form):
    title = _text(
        Impediment._meta.get_field("title").max_length,
        "Name the impediment.",
        label="Impediment",
        help_text="What is in the team's way?",
    )
    description = forms.CharField(
        max_length=DESCRIPTION_MAX,
        required=False,
        label="Details",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"null_characters_not_allowed": NUL_BYTE},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_impediment_%s")
        super().__init__(*args, **kwargs)


class ImpedimentRemoveForm(forms.Form):
    removed_how = _text(REMOVED_HOW_MAX, "Say how it was removed.")


class ImpedimentEscalateForm(forms.Form):
    """Why the team cannot remove it, and to whom, when its value streams have several VSMs."""

    reason = _text(REASON_MAX, "Say why the team cannot remove it.")
    to = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={
            "required": "Choose the VSM to escalate to.",
            "invalid_choice": "Escalate to the VSM of a value stream the team serves.",
        },
    )

    def __init__(self, *args, targets: list[tuple[User, ValueStream]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", "Choose the VSM…")] + [
            (vsm.pk, f"{vsm.display_name} ({value_stream.name})") for vsm, value_stream in targets
        ]
        self.fields["to"].required = len(targets) > 1


class EscalationAnswerForm(forms.Form):
    answer = _text(ANSWER_MAX, "Write your answer for the team.")
