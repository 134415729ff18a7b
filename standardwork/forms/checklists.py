"""Forms of My standard work: a miss, a recorded countermeasure."""

from django import forms

from standardwork.models import Check
from standardwork.selectors.checklists import miss_reasons

REASON_TEXT_MAX = Check._meta.get_field("miss_reason_text").max_length
NOTE_MAX = Check._meta.get_field("miss_note").max_length
COUNTERMEASURE_MAX = Check._meta.get_field("countermeasure").max_length


class MissForm(forms.Form):
    """A miss needs a reason, from the list or typed, and a note."""

    reason = forms.ModelChoiceField(
        queryset=miss_reasons(),
        required=False,
        empty_label="Choose a reason…",
        label="Reason",
    )
    reason_text = forms.CharField(
        max_length=REASON_TEXT_MAX,
        required=False,
        label="or type a reason",
        strip=True,
    )
    note = forms.CharField(
        max_length=NOTE_MAX,
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say in a few words what happened."},
    )

    def __init__(self, *args, check_id: int | None = None, **kwargs):
        # Several rows may show their form at once: the ids carry the check's id.
        if check_id is not None:
            kwargs.setdefault("auto_id", f"id_miss_{check_id}_%s")
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = miss_reasons()
        self.fields["reason"].widget.attrs["autofocus"] = True

    def clean(self):
        cleaned = super().clean()
        typed = cleaned.get("reason_text") or self.has_error("reason_text")
        if not cleaned.get("reason") and not typed:
            self.add_error("reason", "Choose a reason or type one.")
        return cleaned


class CountermeasureRecordForm(forms.Form):
    countermeasure = forms.CharField(
        max_length=COUNTERMEASURE_MAX,
        label="Countermeasure",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Describe the countermeasure."},
    )
