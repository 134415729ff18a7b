"""Forms for the organisation. The role rules are checked here as well as in
the services, so the message appears at the field that breaks them."""

from django import forms

from roles import policy, rules
from roles.models import Membership, Team, User, ValueStream


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = [
            "name",
            "kind",
            "value_streams",
            "stages",
            "coordinator",
            "time_zone",
            "standup_time",
            "working_days",
        ]
        widgets = {
            "value_streams": forms.CheckboxSelectMultiple,
            "standup_time": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean(self):
        cleaned = super().clean()
        coordinator = cleaned.get("coordinator")
        value_streams = cleaned.get("value_streams")
        if value_streams is None and self.instance.pk:
            value_streams = self.instance.value_streams.all()
        for message in rules.coordinator_conflicts(
            coordinator=coordinator,
            value_streams=value_streams or [],
            team_name=cleaned.get("name") or self.instance.name,
        ):
            self.add_error("coordinator", message)
        return cleaned


class TeamSettingsForm(TeamForm):
    """What a VSM may change about a team from the app (the kind stays as it is).

    It offers only what `actor` may choose: their own value streams (and those
    the team already serves) and people of their own organisation as coordinator.
    """

    class Meta(TeamForm.Meta):
        fields = [f for f in TeamForm.Meta.fields if f != "kind"]

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value_streams"].queryset = policy.team_value_stream_choices(
            actor, self.instance
        ).order_by("name")
        self.fields["coordinator"].queryset = policy.coordinator_choices(
            actor, self.instance
        ).order_by("first_name", "last_name", "username")


class ValueStreamForm(forms.ModelForm):
    class Meta:
        model = ValueStream
        fields = [
            "name",
            "market",
            "vsm",
            "time_zone",
            "weekly_review_weekday",
            "weekly_review_time",
        ]
        widgets = {"weekly_review_time": forms.TimeInput(attrs={"type": "time"})}

    def clean(self):
        cleaned = super().clean()
        for message in rules.vsm_conflicts(vsm=cleaned.get("vsm"), value_stream=self.instance):
            self.add_error("vsm", message)
        return cleaned


class ValueStreamSettingsForm(ValueStreamForm):
    """What a VSM may change about their own value stream (not who owns it)."""

    class Meta(ValueStreamForm.Meta):
        fields = [f for f in ValueStreamForm.Meta.fields if f != "vsm"]


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "team", "role", "function"]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name
