"""Forms of the stand-up page and the impediment boards.

They check what a field alone can tell (present, a date, short enough); the
services check the rules (a due date not in the past, an owner in the team,
a VSM the team's value stream has) and their messages land on the same fields.
"""

from django import forms

from standardwork.models import Action, Impediment, Standup

TITLE_MAX = Action._meta.get_field("title").max_length
NOTES_MAX = Standup._meta.get_field("notes").max_length
DESCRIPTION_MAX = Impediment._meta.get_field("description").max_length


class NotesForm(forms.Form):
    notes = forms.CharField(
        max_length=NOTES_MAX,
        required=False,
        label="Notes: what changed since yesterday",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ImpedimentForm(forms.Form):
    title = forms.CharField(
        max_length=Impediment._meta.get_field("title").max_length,
        label="Impediment",
        help_text="What is in the team's way?",
        error_messages={"required": "Name the impediment."},
    )
    description = forms.CharField(
        max_length=DESCRIPTION_MAX,
        required=False,
        label="Details",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_impediment_%s")
        super().__init__(*args, **kwargs)
