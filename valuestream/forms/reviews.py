"""Forms of the weekly review meeting: attendance, notes, actions.

Actions use standardwork's one action form (with the team the action is for);
`action_create` checks the rules again and its messages land on the same fields.
"""

from datetime import date

from django import forms

from roles.models import Team, User
from standardwork.forms.followup import ActionForm
from valuestream.models import ReviewNote

NOTE_MAX = ReviewNote._meta.get_field("text").max_length


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label="Present"
    )

    def __init__(self, *args, people: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(person.pk, person.display_name) for person in people]


class ReviewNoteForm(forms.Form):
    kind = forms.ChoiceField(
        choices=ReviewNote.Kind.choices,
        label="What",
        error_messages={"invalid_choice": "Choose problem, opportunity, decision or budget."},
    )
    text = forms.CharField(
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="In words",
        error_messages={"required": "Say what it is."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_note_%s")
        super().__init__(*args, **kwargs)


class ReviewActionForm(ActionForm):
    """An action from the review: which team it is for, what, who (in that team), by when."""

    team = forms.TypedChoiceField(
        coerce=int, label="Team", error_messages={"required": "Choose the team it is for."}
    )
    field_order = ["team", "title", "owner", "due_date"]

    def __init__(self, *args, teams: list[Team], people: list[User], today: date, **kwargs):
        super().__init__(*args, people=people, today=today, **kwargs)
        self.teams = {team.pk: team for team in teams}
        self.fields["team"].choices = [("", "Choose the team…")] + [
            (team.pk, team.name) for team in teams
        ]
        self.order_fields(self.field_order)

    def clean_team(self) -> Team:
        return self.teams[self.cleaned_data["team"]]
