"""The one action form, for stand-ups, cycles and (in valuestream) the weekly review.

It checks what a field alone can tell (present, a date, short enough, an owner
from the list); `services.followup.action_create` checks the rules again (an
owner in the team, a due date not in the past) and its messages land on the
same fields.
"""

from datetime import date

from django import forms
from django.utils import timezone

from roles.models import User
from standardwork.models import Action
from standardwork.services.followup import (
    FAR_LIMIT_YEARS,
    PAST_DUE_DATE,
    TOO_FAR_DUE_DATE,
    ActionSpec,
    years_after,
)

TITLE_MAX = Action._meta.get_field("title").max_length
# A due date more than a year ahead is asked about once; beyond the service's
# FAR_LIMIT_YEARS it is refused (by the service too).
FAR_DUE_DATE = 'That is more than a year ahead: confirm with "Yes, that far ahead".'


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
    # Only on a form whose due date is more than a year ahead: shown with that error.
    confirm_far_due_date = forms.BooleanField(required=False, label="Yes, that far ahead")

    def __init__(self, *args, people: list[User], today: date | None = None, **kwargs):
        kwargs.setdefault("auto_id", "id_action_%s")
        super().__init__(*args, **kwargs)
        self.people = {person.pk: person for person in people}
        self.today = today
        self.fields["owner"].choices = [("", "Choose the owner…")] + [
            (person.pk, person.display_name) for person in people
        ]
        if today is not None:
            self.fields["due_date"].widget.attrs["min"] = today.isoformat()
            self.fields["due_date"].widget.attrs["max"] = years_after(
                today, FAR_LIMIT_YEARS
            ).isoformat()
        if not self._submitted_due_date_is_far():
            del self.fields["confirm_far_due_date"]

    def _far_from(self) -> date:
        return self.today or timezone.localdate()

    def _submitted_due_date_is_far(self) -> bool:
        if not self.is_bound:
            return False
        raw = self["due_date"].data
        try:
            due = self.fields["due_date"].to_python(raw)
        except forms.ValidationError:
            return False
        return due is not None and due > years_after(self._far_from(), 1)

    def clean_owner(self) -> User:
        return self.people[self.cleaned_data["owner"]]

    def clean_due_date(self) -> date:
        due = self.cleaned_data["due_date"]
        if self.today is not None and due < self.today:
            raise forms.ValidationError(PAST_DUE_DATE)
        if due > years_after(self._far_from(), FAR_LIMIT_YEARS):
            raise forms.ValidationError(TOO_FAR_DUE_DATE)
        if "confirm_far_due_date" in self.fields and not self["confirm_far_due_date"].data:
            raise forms.ValidationError(FAR_DUE_DATE)
        return due

    def to_spec(self) -> ActionSpec:
        data = self.cleaned_data
        return ActionSpec(title=data["title"], owner=data["owner"], due_date=data["due_date"])


class _ActionFormSet(forms.BaseFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each row gets its own ids inside the formset's prefix.
        for form in self.forms:
            form.auto_id = "id_%s"


ActionFormSet = forms.formset_factory(
    ActionForm, formset=_ActionFormSet, extra=1, min_num=1, validate_min=True
)


class NoticesPageForm(forms.Form):
    """The notices page's `?page=`: a page of older unread notices (1 when absent or bad)."""

    page = forms.IntegerField(min_value=1, max_value=10_000, required=False)

    def page_number(self) -> int:
        if self.is_valid() and self.cleaned_data["page"]:
            return self.cleaned_data["page"]
        return 1
