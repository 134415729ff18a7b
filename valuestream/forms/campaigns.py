"""Forms for campaigns, their steps, scripts and prospect imports."""

from django import forms

from valuestream.models import Campaign, Program, Step

DATE = forms.DateInput(attrs={"type": "date"})


class CampaignForm(forms.Form):
    team = forms.ModelChoiceField(queryset=None, empty_label=None)
    value_stream = forms.ModelChoiceField(queryset=None, empty_label=None)
    name = forms.CharField(max_length=160)
    event_kind = forms.ChoiceField(choices=Campaign.EventKind.choices, label="Event")
    event_name = forms.CharField(max_length=160, label="Event name")
    event_date = forms.DateField(widget=DATE, label="Event date")
    program = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Its own program (made for it)",
        help_text="The program whose budget it draws on.",
    )  # fmt: skip

    def __init__(self, *args, teams, value_streams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["value_stream"].queryset = value_streams
        self.fields["program"].queryset = Program.objects.filter(
            value_stream__in=value_streams
        ).select_related("value_stream")
        self.fields["program"].label_from_instance = lambda p: f"{p.name} ({p.value_stream})"


class StepForm(forms.Form):
    kind = forms.ChoiceField(choices=Step.Kind.choices)
    delay_business_days = forms.IntegerField(
        min_value=0, max_value=60, initial=0, label="Business days after the previous step"
    )
    subject = forms.CharField(max_length=200, required=False)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text="Merge fields: {{first_name}}, {{last_name}}, {{company}}, {{event_name}}.",
    )  # fmt: skip
    script = forms.ModelChoiceField(queryset=None, required=False, label="Call script")
    mail_item = forms.CharField(max_length=200, required=False, label="Direct mail: what to send")
    mail_cost = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, label="Cost per piece"
    )

    def __init__(self, *args, scripts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["script"].queryset = scripts


class ScriptForm(forms.Form):
    name = forms.CharField(max_length=120)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="Script")


class ScriptRevisionForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="Script")
    note = forms.CharField(max_length=300, label="What changed and why")


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file", help_text="A trade-show or webinar export with an Email column."
    )
