from django import forms


class AllocationForm(forms.Form):
    program = forms.ModelChoiceField(queryset=None, empty_label=None)
    period_start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0)

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The period cannot end before it starts.")
        return cleaned


class WinForm(forms.Form):
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0, label="Order value")
    won_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Won on")
