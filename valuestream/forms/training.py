from django import forms


class TrainingForm(forms.Form):
    team = forms.ModelChoiceField(queryset=None, empty_label=None)
    held_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Held on")
    scripts = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        label="Scripts reviewed",
    )  # fmt: skip
    trainers = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    attendees = forms.ModelMultipleChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    recording = forms.FileField(
        required=False, label="Call recording (audio)",
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*"}),
    )  # fmt: skip
    recording_title = forms.CharField(max_length=160, required=False, label="Recording title")

    def __init__(self, *args, teams, versions, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["scripts"].queryset = versions
        self.fields["scripts"].label_from_instance = lambda v: f"{v.script.name} v{v.number}"
        self.fields["trainers"].queryset = people
        self.fields["attendees"].queryset = people
        for name in ("trainers", "attendees"):
            self.fields[name].label_from_instance = lambda user: user.display_name
