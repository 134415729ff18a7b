"""Forms of the standard-work template editor."""

from django import forms

from roles.models import Layer, Weekday
from standardwork.models import TemplateItem
from standardwork.services.templates import ItemSpec


class TemplateItemForm(forms.Form):
    """One item of a standard-work template, as edited before a new version is made."""

    title = forms.CharField(max_length=200)
    # Initial values so an untouched blank row stays unchanged and is skipped.
    cadence = forms.ChoiceField(
        choices=TemplateItem.Cadence.choices, initial=TemplateItem.Cadence.DAILY
    )
    weekday = forms.TypedChoiceField(
        choices=[("", "—"), *Weekday.choices], coerce=int, required=False, empty_value=None
    )
    day_of_month = forms.IntegerField(min_value=1, max_value=31, required=False)
    expected_minutes = forms.IntegerField(min_value=1, max_value=480, initial=5)
    kind = forms.ChoiceField(choices=TemplateItem.Kind.choices, initial=TemplateItem.Kind.DO)

    def clean(self):
        cleaned = super().clean()
        cadence = cleaned.get("cadence")
        if cadence == TemplateItem.Cadence.WEEKLY and not cleaned.get("weekday"):
            self.add_error("weekday", "A weekly item needs its weekday.")
        if cadence == TemplateItem.Cadence.MONTHLY and not cleaned.get("day_of_month"):
            self.add_error("day_of_month", "A monthly item needs its day of the month.")
        return cleaned

    def to_spec(self) -> ItemSpec:
        data = self.cleaned_data
        return ItemSpec(
            title=data["title"],
            cadence=data["cadence"],
            expected_minutes=data["expected_minutes"],
            kind=data["kind"],
            weekday=data.get("weekday"),
            day_of_month=data.get("day_of_month"),
        )


TemplateItemFormSet = forms.formset_factory(
    TemplateItemForm, extra=2, can_delete=True, min_num=1, validate_min=True
)


class TemplateReviseForm(forms.Form):
    note = forms.CharField(
        max_length=300,
        label="Why the standard changes",
        help_text="Kept with the new version, so the history shows why.",
    )
    from_today = forms.BooleanField(
        required=False,
        label="Add the new items to today's checklists too",
        help_text="Otherwise the new version applies from each person's first checklist not "
        "yet issued. Today's checklists already confirmed are never changed.",
    )


class TemplateCreateForm(forms.Form):
    name = forms.CharField(max_length=120)
    layer = forms.ChoiceField(choices=Layer.choices)
    scope = forms.ChoiceField(help_text="Who in the layer gets it.")

    def __init__(self, *args, scopes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scopes
