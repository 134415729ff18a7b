from django import forms

from roles.models import Layer, Weekday
from standardwork.models import Absence, Check, TemplateItem
from standardwork.selectors.checklists import miss_reasons
from standardwork.services import ItemSpec

REASON_TEXT_MAX = Check._meta.get_field("miss_reason_text").max_length
NOTE_MAX = Check._meta.get_field("miss_note").max_length
COMMENT_MAX = Check._meta.get_field("verification_comment").max_length
COUNTERMEASURE_MAX = Check._meta.get_field("countermeasure").max_length


class MissForm(forms.Form):
    """A miss needs a reason, from the list or typed, and a note."""

    reason = forms.ModelChoiceField(
        queryset=miss_reasons(),
        required=False,
        empty_label="Choose a reason…",
        label="Reason",
    )
    reason_text = forms.CharField(
        max_length=REASON_TEXT_MAX,
        required=False,
        label="or type a reason",
        strip=True,
    )
    note = forms.CharField(
        max_length=NOTE_MAX,
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say in a few words what happened."},
    )

    def __init__(self, *args, check_id: int | None = None, **kwargs):
        # Several rows may show their form at once: the ids carry the check's id.
        if check_id is not None:
            kwargs.setdefault("auto_id", f"id_miss_{check_id}_%s")
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = miss_reasons()
        self.fields["reason"].widget.attrs["autofocus"] = True

    def clean(self):
        cleaned = super().clean()
        typed = cleaned.get("reason_text") or self.has_error("reason_text")
        if not cleaned.get("reason") and not typed:
            self.add_error("reason", "Choose a reason or type one.")
        return cleaned


class CountermeasureRequestForm(forms.Form):
    comment = forms.CharField(
        max_length=COMMENT_MAX,
        label="What countermeasure do you ask for?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what countermeasure you are asking for."},
    )


class CountermeasureRecordForm(forms.Form):
    countermeasure = forms.CharField(
        max_length=COUNTERMEASURE_MAX,
        label="Countermeasure",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Describe the countermeasure."},
    )


class BoardDateForm(forms.Form):
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


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


class TemplateCreateForm(forms.Form):
    name = forms.CharField(max_length=120)
    layer = forms.ChoiceField(choices=Layer.choices)
    scope = forms.ChoiceField(help_text="Who in the layer gets it.")

    def __init__(self, *args, scopes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scopes


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
