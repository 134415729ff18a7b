from django import forms

from valuestream.models import Holiday


class HolidayForm(forms.Form):
    # ISO only: "03/04/2027" is March in one country and April in another.
    date = forms.DateField(
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as YYYY-MM-DD, e.g. 2026-12-25."},
    )
    name = forms.CharField(max_length=Holiday._meta.get_field("name").max_length)

    def clean_date(self):
        day = self.cleaned_data["date"]
        existing = Holiday.objects.filter(date=day).first()
        if existing is not None:
            raise forms.ValidationError(f"{day:%-d %B %Y} is listed already ({existing.name}).")
        return day


class HolidayRemoveForm(forms.Form):
    holiday = forms.ModelChoiceField(
        queryset=Holiday.objects.all(),
        error_messages={"invalid_choice": "That holiday is not on the list (any more)."},
    )
