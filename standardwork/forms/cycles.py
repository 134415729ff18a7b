"""Forms for improvement: a cycle's start and each of its steps, control points and
the quick measurement entry. The services check the same rules again; these put
the message at the field before anything is sent."""

from datetime import date, timedelta

from django import forms

from roles.models import Stage
from standardwork.forms.templates import TemplateItemForm
from standardwork.models import ControlPoint, Cycle, TemplateItem

NUMBER = "Enter a number, like 42 or 3.5."
TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _number_field(label: str, *, required: bool = False, help_text: str = "") -> forms.Field:
    # A text input with a decimal keyboard: "abc" reaches the server and gets its message.
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=3,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": NUMBER,
            "required": "Enter the value.",
            "max_digits": "Enter a number of at most 9 digits before the decimal point.",
            "max_decimal_places": "Enter at most 3 decimal places.",
            "max_whole_digits": "Enter a number of at most 9 digits before the decimal point.",
        },
    )


class CycleStartForm(forms.Form):
    """Plan: what the cycle is about."""

    kind = forms.ChoiceField(
        choices=[
            (Cycle.Kind.PDCA, "PDCA: improve the standard"),
            (Cycle.Kind.SDCA, "SDCA: check the standard is kept"),
        ],
        initial=Cycle.Kind.PDCA,
        widget=forms.RadioSelect,
        label="Kind",
    )
    title = forms.CharField(max_length=200)
    problem = forms.CharField(
        max_length=2000, required=False, widget=TEXTAREA, help_text="What is wrong, in numbers."
    )
    hypothesis = forms.CharField(
        max_length=2000,
        required=False,
        widget=TEXTAREA,
        help_text="If we do X, then Y will happen, because Z.",
    )
    target = forms.CharField(
        max_length=300, required=False, help_text="The result that would show it worked."
    )
    stage = forms.ChoiceField(
        required=False, label="Value-stream stage", help_text="Blank for a whole sales cycle."
    )
    standard = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Standard work",
        empty_label="None",
        help_text="The standard work this cycle may change (PDCA) or checks (SDCA).",
    )

    def __init__(self, *args, team, standards, **kwargs):
        super().__init__(*args, **kwargs)
        stages = [(code, Stage(code).label) for code in team.stages] or list(Stage.choices)
        self.fields["stage"].choices = [("", "Whole sales cycle"), *stages]
        self.fields["standard"].queryset = standards

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Cycle.Kind.PDCA:
            for name, message in [
                ("problem", "Say what problem the cycle is to solve."),
                ("hypothesis", "Say what you think will solve it."),
                ("target", "Say what result would show it worked."),
            ]:
                if not cleaned.get(name) and not self.has_error(name):
                    self.add_error(name, message)
        if cleaned.get("kind") == Cycle.Kind.SDCA and not cleaned.get("standard"):
            self.add_error("standard", "An SDCA cycle checks an existing standard: choose it.")
        return cleaned


class CheckForm(forms.Form):
    check_result = forms.CharField(
        max_length=2000,
        label="What do the results show?",
        widget=TEXTAREA,
        help_text="Against the target and the cycle's control points.",
        error_messages={
            "required": "Say what the results show against the cycle's control points."
        },
    )


class ActForm(forms.Form):
    note = forms.CharField(
        max_length=1000, required=False, label="What did we learn?", widget=TEXTAREA
    )


class AdoptForm(forms.Form):
    note = forms.CharField(
        max_length=300,
        label="Why the standard changes",
        help_text="Kept with the new version, so the history shows why.",
    )


class AdoptItemForm(TemplateItemForm):
    """An item of the adopted standard. A blank extra row posts its selects' first
    options; with those as initial values it counts as unchanged and is skipped,
    instead of asking for a title."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadence"].initial = TemplateItem.Cadence.DAILY
        self.fields["kind"].initial = TemplateItem.Kind.DO


AdoptItemFormSet = forms.formset_factory(
    AdoptItemForm, extra=1, can_delete=True, min_num=1, validate_min=True
)


class AbandonForm(forms.Form):
    note = forms.CharField(
        max_length=1000,
        label="Why is the cycle abandoned?",
        widget=TEXTAREA,
        error_messages={"required": "Say why the cycle is abandoned."},
    )


class FollowUpForm(forms.Form):
    title = forms.CharField(max_length=200, label="Title of the follow-up cycle")
    problem = forms.CharField(max_length=2000, widget=TEXTAREA)
    hypothesis = forms.CharField(max_length=2000, widget=TEXTAREA)
    target = forms.CharField(max_length=300)

    def __init__(self, *args, prefix: str = "follow_up", **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)


class SdcaCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (Cycle.Outcome.STANDARD_HOLDS, Cycle.Outcome.STANDARD_HOLDS.label),
            (Cycle.Outcome.CORRECTED, Cycle.Outcome.CORRECTED.label),
        ],
        widget=forms.RadioSelect,
        label="Outcome",
    )
    corrective_action = forms.CharField(
        max_length=1000,
        required=False,
        widget=TEXTAREA,
        help_text="Needed when the standard was corrected.",
    )
    note = forms.CharField(max_length=1000, required=False, widget=TEXTAREA)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == Cycle.Outcome.CORRECTED and not cleaned.get(
            "corrective_action"
        ):
            self.add_error("corrective_action", "Describe the corrective action taken.")
        return cleaned


class ControlPointForm(forms.Form):
    name = forms.CharField(
        max_length=ControlPoint._meta.get_field("name").max_length,
        help_text="e.g. Calls per day, Connect rate",
    )
    unit = forms.CharField(
        max_length=ControlPoint._meta.get_field("unit").max_length,
        help_text="e.g. calls, %, meetings",
    )
    target = _number_field("Target")
    lower_limit = _number_field("Lower limit", help_text="Optional: flag any value below it.")
    upper_limit = _number_field("Upper limit", help_text="Optional: flag any value above it.")
    cycle = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="None: the team's own",
        help_text="The open cycle it measures, if any.",
    )
    allows_negative = forms.BooleanField(
        required=False,
        label="Values may be negative",
        help_text="Leave unticked for counts and rates: a value below zero is a typing error.",
    )
    plausible_min = _number_field(
        "Lowest plausible value", help_text="Optional: refuse anything lower as a typing error."
    )
    plausible_max = _number_field(
        "Highest plausible value",
        help_text="Optional: refuse anything higher as a typing error (100 for a %).",
    )

    def __init__(self, *args, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles
        self.fields["cycle"].label_from_instance = lambda cycle: str(cycle)

    def clean(self):
        cleaned = super().clean()
        lower, upper = cleaned.get("lower_limit"), cleaned.get("upper_limit")
        if lower is not None and upper is not None and lower >= upper:
            self.add_error("upper_limit", "The upper limit must be above the lower limit.")
        low, high = cleaned.get("plausible_min"), cleaned.get("plausible_max")
        if low is not None and high is not None and low >= high:
            self.add_error("plausible_max", "The highest plausible value must be above the lowest.")
        return cleaned


# Dates further back than this are typing errors, not history to confirm.
OLDEST = timedelta(days=3660)


def _day_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date, like 2026-03-20."},
    )


def _clean_day(day: date, today: date) -> date:
    if day > today:
        raise forms.ValidationError("The date cannot be in the future.")
    if day < today - OLDEST:
        raise forms.ValidationError("Enter a date within the last ten years.")
    return day


class MeasurementForm(forms.Form):
    """The quick entry: a number and its day (today unless said otherwise).

    A date the service questions (before the control point existed, or more
    than a year ago) and a day that already has a value come back with a box
    to tick: `asks_date` and `asks_replace` say which.
    """

    value = _number_field("Value", required=True)
    measured_on = _day_field("Date")
    confirm_date = forms.BooleanField(required=False, label="Yes, the date is right")
    replace = forms.BooleanField(required=False, label="Replace the value of that day")

    def __init__(self, *args, today: date, **kwargs):
        kwargs.setdefault("initial", {"measured_on": today})
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["measured_on"].widget.attrs["max"] = today.isoformat()

    def clean_measured_on(self):
        return _clean_day(self.cleaned_data["measured_on"], self.today)

    @property
    def asks_date(self) -> bool:
        return self.is_bound and self.has_error("measured_on", "confirm_date")

    @property
    def asks_replace(self) -> bool:
        return self.is_bound and self.has_error("measured_on", "replace")

    @property
    def entry_fields(self):
        """The value and the date; a confirmation box only when it is asked for."""
        shown = [self["value"], self["measured_on"]]
        if self.asks_date or self.data.get(self.add_prefix("confirm_date")):
            shown.append(self["confirm_date"])
        if self.asks_replace or self.data.get(self.add_prefix("replace")):
            shown.append(self["replace"])
        return shown


class MeasurementChangeForm(forms.Form):
    """Correct a value, or void it, with the reason kept in its history."""

    CORRECT = "correct"
    VOID = "void"

    action = forms.ChoiceField(
        choices=[(CORRECT, "Correct the value"), (VOID, "Void it: take it out of the chart")],
        widget=forms.RadioSelect,
        initial=CORRECT,
        label="What to do",
    )
    value = _number_field("Correct value")
    reason = forms.CharField(
        max_length=300,
        label="Why",
        help_text="Kept in the value's history.",
        error_messages={"required": "Say why, so the history explains it."},
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("action") == self.CORRECT
            and cleaned.get("value") is None
            and not self.has_error("value")
        ):
            self.add_error("value", "Enter the correct value.")
        return cleaned


class BaselineForm(forms.Form):
    """The process changed: a new baseline from a date, with what changed."""

    starts_on = _day_field("From")
    reason = forms.CharField(
        max_length=300,
        label="What changed in the process",
        error_messages={"required": "Say what changed in the process."},
    )

    def __init__(self, *args, today: date, **kwargs):
        kwargs.setdefault("initial", {"starts_on": today})
        super().__init__(*args, prefix="baseline", **kwargs)
        self.today = today
        self.fields["starts_on"].widget.attrs["max"] = today.isoformat()

    def clean_starts_on(self):
        return _clean_day(self.cleaned_data["starts_on"], self.today)
