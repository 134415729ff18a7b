"""The leave form."""

from django import forms

from standardwork.models import Absence


class AbsenceForm(forms.Form):
    """Leave for oneself or for someone one leads: no checklist on those days."""

    person = forms.ModelChoiceField(queryset=None, empty_label=None)
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.ChoiceField(choices=Absence.Reason.choices)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda user: user.display_name

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The last day of leave cannot be before the first.")
        if start and end and (end - start).days > 366:
            self.add_error("end_date", "Record leave of at most a year at a time.")
        return cleaned
