from django import forms
from django.core.exceptions import ValidationError
from django.db import models


class MultipleChoiceJSONField(models.JSONField):
    """A short list of fixed choices (working days, value-stream stages).

    Stored as a JSON list so it reads the same on SQLite and PostgreSQL;
    edited as checkboxes in every form and in the admin.
    """

    def __init__(self, *args, item_choices=(), item_type=str, **kwargs):
        self.item_choices = list(item_choices)
        self.item_type = item_type
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["item_choices"] = self.item_choices
        if self.item_type is not str:
            kwargs["item_type"] = self.item_type
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        allowed = {choice for choice, _ in self.item_choices}
        if not isinstance(value, list) or any(item not in allowed for item in value):
            raise ValidationError(
                "Choose only from: %(allowed)s",
                params={"allowed": ", ".join(str(label) for _, label in self.item_choices)},
                code="invalid_choice",
            )

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.item_choices,
            coerce=self.item_type,
            required=not self.blank,
            label=kwargs.get("label") or self.verbose_name.capitalize(),
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )
