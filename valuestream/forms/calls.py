from django import forms

from valuestream.models import CallLog


class CallLogForm(forms.Form):
    disposition = forms.ChoiceField(choices=CallLog.Disposition.choices)
    note = forms.CharField(max_length=500, required=False)
