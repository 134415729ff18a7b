"""Form helpers every app's views share: ground floor, imports no app."""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError

T = TypeVar("T")


def form_add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError at the form's fields, or on top when no field matches."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_apply_service(form: forms.BaseForm, call: Callable[[], T]) -> T | None:
    """Run a service; on a ValidationError show it on `form` and return None."""
    try:
        return call()
    except ValidationError as error:
        form_add_service_errors(form, error)
        return None
