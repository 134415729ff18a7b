"""Forms of the verification board: a countermeasure request."""

from django import forms

from standardwork.models import Check

COMMENT_MAX = Check._meta.get_field("verification_comment").max_length


class CountermeasureRequestForm(forms.Form):
    comment = forms.CharField(
        max_length=COMMENT_MAX,
        label="What countermeasure do you ask for?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what countermeasure you are asking for."},
    )
