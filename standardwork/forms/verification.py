"""Forms of the verification board: which week and team it shows, a countermeasure request."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from leanops.base.http import parse_date_param, parse_week_param
from standardwork.models import Check

COMMENT_MAX = Check._meta.get_field("verification_comment").max_length


class CountermeasureRequestForm(forms.Form):
    comment = forms.CharField(
        max_length=COMMENT_MAX,
        label="What countermeasure do you ask for?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what countermeasure you are asking for."},
    )


class BoardWeekForm(forms.Form):
    """The grid's query string: `?week=` (a day of it, or 2026-W47) and `?team=` (an id).

    Either may be bad; the board then says why and shows the current week or
    every team, so a bad link never answers 500.
    """

    week = forms.CharField(required=False, max_length=20)
    team = forms.CharField(required=False, max_length=20)  # refuses NUL bytes, as every CharField

    def __init__(self, data, *, today: date, team_choices: list[tuple[int, str]]):
        super().__init__(data)
        self.today = today
        self.team_ids = {team_id for team_id, _ in team_choices}

    def clean_team(self) -> int | None:
        value = self.cleaned_data["team"]
        if not value:
            return None
        if not (value.isascii() and value.isdigit()) or int(value) not in self.team_ids:
            raise ValidationError(f"There is no team “{value}” on your board.")
        return int(value)

    def clean_week(self) -> date:
        try:
            return parse_week_param(self.cleaned_data["week"], default=self.today)
        except ValidationError as error:
            raise ValidationError(error.messages) from None

    def monday(self) -> date:
        """The week to show: the one asked for, or the current one when it was bad."""
        return self.cleaned_data.get("week") or parse_week_param("", default=self.today)

    def team_id(self) -> int | None:
        return self.cleaned_data.get("team")

    def problems(self) -> str:
        """What was wrong with the query string, and what the board shows instead."""
        said = []
        for name, fallback in (("week", "Showing this week."), ("team", "Showing every team.")):
            if name in self.errors:
                said.append(f"{' '.join(self.errors[name])} {fallback}")
        return " ".join(said)


class BoardDayForm(forms.Form):
    """The one-day list's query string: `?date=` and, for one person's day, `?person=`."""

    date = forms.CharField(required=False, max_length=20)
    person = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)

    def __init__(self, data, *, today: date):
        super().__init__(data)
        self.today = today

    def clean_date(self) -> date:
        try:
            return parse_date_param(self.cleaned_data["date"], default=self.today)
        except ValidationError as error:
            raise ValidationError(error.messages) from None

    def day(self) -> date:
        """The day asked for, or today when it was bad."""
        return self.cleaned_data.get("date") or self.today

    def person_id(self) -> int | None:
        """The person asked for; a bad id is nobody on the board (Http404 from the view)."""
        if "person" in self.errors:
            return 0
        return self.cleaned_data.get("person")

    def problems(self) -> str:
        return " ".join(self.errors.get("date", []))
