"""Forms of the stand-up page and the impediment boards.

They check what a field alone can tell (present, a date, short enough); the
services check the rules (a due date not in the past, an owner in the team,
a VSM the team's value stream has) and their messages land on the same fields.
"""

from django import forms

from roles.models import User
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


class ActionForm(forms.Form):
    """A new action: what, who, by when. The owner is chosen from the team's people."""

    title = forms.CharField(
        max_length=TITLE_MAX,
        label="Action",
        error_messages={"required": "Say what is to be done."},
    )
    owner = forms.TypedChoiceField(
        coerce=int, label="Owner", error_messages={"required": "Choose who owns it."}
    )
    due_date = forms.DateField(
        label="Due",
        # A date input takes ISO dates only, whatever the locale's format.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Give a due date.", "invalid": "Enter a date."},
    )

    def __init__(self, *args, people: list[User], **kwargs):
        kwargs.setdefault("auto_id", "id_action_%s")
        super().__init__(*args, **kwargs)
        self.people = {person.pk: person for person in people}
        self.fields["owner"].choices = [("", "Choose the owner…")] + [
            (person.pk, person.display_name) for person in people
        ]

    def clean_owner(self) -> User:
        return self.people[self.cleaned_data["owner"]]


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
