from django import forms

from roles.models import Stage, Team
from valuestream.models import Handoff, Prospect
from valuestream.services.handoffs import handoff_problems


class HandoffForm(forms.Form):
    to_team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        label="To team",
        empty_label="Choose the receiving team",
        error_messages={"invalid_choice": "Choose a team of the prospect's value stream."},
    )
    stage = forms.ChoiceField(choices=Stage.choices, label="Into stage")
    note = forms.CharField(
        max_length=Handoff._meta.get_field("note").max_length,
        required=False,
        label="What the receiving team should know",
    )

    def __init__(self, *args, prospect: Prospect, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.prospect = prospect
        self.fields["to_team"].queryset = teams

    def clean(self):
        data = super().clean()
        if data.get("to_team") is not None and data.get("stage"):
            problems = handoff_problems(
                prospect=self.prospect, from_team=self.prospect.team, to_team=data["to_team"],
                stage=data["stage"],
            )  # fmt: skip
            for name, message in problems.items():
                self.add_error(name, message)
        return data
