"""Every form, bound to arbitrary input, answers in words (issue 12, item 4a).

The forms come from the apps' form modules (every subclass of Django's BaseForm
defined in roles, standardwork, valuestream or leanops, plus the formsets), so a
form added to any forms module is tested the day it exists; a form whose
constructor needs arguments must say which in `FORM_KWARGS`, or
`test_every_form_can_be_built_for_the_walk` fails naming it.

The property: bound to any POST-like data (arbitrary text, huge numbers, NUL
bytes, formula cells, several values for one field, fields it does not know),
`is_valid()` never raises, and when it is false every error is a sentence.
"""

import importlib
import pkgutil
from collections.abc import Callable
from datetime import date

import pytest
from django import forms
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import standardwork.forms
import valuestream.forms
from roles.models import Team, User, ValueStream
from standardwork.forms.cycles import AdoptItemFormSet
from standardwork.forms.followup import ActionFormSet
from standardwork.forms.templates import TemplateItemFormSet
from standardwork.models import Cycle, StandardWorkTemplate
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory, ValueStreamFactory
from valuestream.models import CallScript, Program, ScriptVersion

pytestmark = [pytest.mark.django_db, pytest.mark.property]

APP_PACKAGES = ("roles", "standardwork", "valuestream", "leanops")
TODAY = date(2026, 11, 25)

# Text a person, a browser or an attacker may send in any field.
NASTY = [
    "",
    " ",
    "\x00",
    "Ada\x00King",
    '=HYPERLINK("http://x")',
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "0",
    "-0",
    "1e309",
    "NaN",
    "inf",
    "9" * 400,
    "-" + "9" * 40,
    "0x1F",
    "١٢",  # Arabic-Indic digits: isdigit() says yes, int() too
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "25:61",
    "24:00",
    "team:",
    "team:abc",
    "value_stream:99999999999999999999",
    "x" * 100_000,
    "<script>alert(1)</script>",
    "'; DROP TABLE roles_user; --",
    "\u202e",
    "🙂",
]
VALUE = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers().map(str),
    st.integers(min_value=1, max_value=12).map(str),  # ids that exist
    st.dates().map(date.isoformat),
)


def _org() -> dict:
    vsm = UserFactory(username="prop.vsm")
    stream = ValueStreamFactory(name="Pumps", vsm=vsm)
    team = TeamFactory(name="North", value_streams=[stream], coordinator=UserFactory())
    leader = MembershipFactory(team=team, role="leader").user
    member = MembershipFactory(team=team).user
    return {"vsm": vsm, "stream": stream, "team": team, "people": [leader, member]}


# form class name -> what its constructor needs, given the org above.
FORM_KWARGS: dict[str, Callable[[dict], dict]] = {
    "TeamSettingsForm": lambda org: {"actor": org["vsm"], "instance": org["team"]},
    "AbsenceForm": lambda org: {"people": User.objects.all()},
    "MissForm": lambda org: {"check_id": 1},
    "CycleStartForm": lambda org: {
        "team": org["team"],
        "standards": StandardWorkTemplate.objects.all(),
    },
    "ControlPointForm": lambda org: {"cycles": Cycle.objects.all()},
    "MeasurementForm": lambda org: {"today": TODAY},
    "BaselineForm": lambda org: {"today": TODAY},
    "ActionForm": lambda org: {"people": org["people"], "today": TODAY},
    "ImpedimentEscalateForm": lambda org: {"targets": [(org["vsm"], org["stream"])] * 2},
    "TemplateCreateForm": lambda org: {"scopes": [(f"team:{org['team'].pk}", "North")]},
    "BoardWeekForm": lambda org: {"today": TODAY, "team_choices": [(org["team"].pk, "North")]},
    "BoardDayForm": lambda org: {"today": TODAY},
    "CampaignForm": lambda org: {
        "teams": Team.objects.all(),
        "value_streams": ValueStream.objects.all(),
    },
    "StepForm": lambda org: {"scripts": CallScript.objects.all()},
    "AllocationForm": lambda org: {"programs": Program.objects.all()},
    "AttendanceForm": lambda org: {"people": org["people"]},
    "ReviewActionForm": lambda org: {
        "teams": [org["team"]],
        "people": org["people"],
        "today": TODAY,
    },
    "TrainingForm": lambda org: {
        "teams": Team.objects.all(),
        "versions": ScriptVersion.objects.all(),
        "people": User.objects.all(),
    },
}
# Forms whose first argument is the data, positionally only.
DATA_ONLY = {"BoardWeekForm", "BoardDayForm"}
FORMSETS = {
    "ActionFormSet": (ActionFormSet, lambda org: {"form_kwargs": {"people": org["people"]}}),
    "AdoptItemFormSet": (AdoptItemFormSet, lambda org: {}),
    "TemplateItemFormSet": (TemplateItemFormSet, lambda org: {}),
}


def _form_modules() -> None:
    """Import every forms module, so every form class is a known subclass."""
    importlib.import_module("roles.forms")
    importlib.import_module("leanops.base.forms")
    for package in (standardwork.forms, valuestream.forms):
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def app_forms() -> list[type[forms.BaseForm]]:
    _form_modules()
    return sorted(
        (
            form
            for form in _subclasses(forms.BaseForm)
            if form.__module__.split(".")[0] in APP_PACKAGES
            and not form.__name__.startswith("_")
            and "Meta" not in form.__name__
        ),
        key=lambda form: form.__name__,
    )


FORMS = app_forms()


def _build(form_class, org: dict, data=None):
    kwargs = FORM_KWARGS.get(form_class.__name__, lambda org: {})(org)
    if form_class.__name__ in DATA_ONLY:
        return form_class(data if data is not None else {}, **kwargs)
    return form_class(data, **kwargs)


def _post_data(field_names: list[str]):
    """Up to three values per field the form has, and a field it does not know."""
    names = st.sampled_from([*field_names, "unknown", "csrfmiddlewaretoken"])
    return st.dictionaries(names, st.lists(VALUE, min_size=0, max_size=3), max_size=12).map(
        MultiValueDict
    )


def _sentences(errors) -> list[str]:
    return [message for messages in errors.values() for message in messages]


def test_the_walk_finds_the_forms_of_every_app():
    names = {form.__name__ for form in FORMS}

    assert {"TeamForm", "MissForm", "ActionForm", "CampaignForm", "ImportForm"} <= names
    assert len(FORMS) > 35


def test_every_form_can_be_built_for_the_walk(db):
    org = _org()
    unbuildable = []
    for form_class in FORMS:
        try:
            _build(form_class, org)
        except TypeError as error:
            unbuildable.append(f"{form_class.__name__}: {error}")

    assert unbuildable == [], "Say in FORM_KWARGS what these forms' constructors need"


# Hypothesis runs every example inside one test's transaction: the org is made once
# per test, and the forms only read.
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("form_class", FORMS, ids=lambda form: form.__name__)
def test_a_form_bound_to_arbitrary_data_is_valid_or_says_why(db, form_class):
    org = _org()
    field_names = [
        _build(form_class, org).add_prefix(name) for name in _build(form_class, org).fields
    ]

    @PROPERTY
    @given(data=_post_data(field_names))
    def bound(data):
        form = _build(form_class, org, data)

        if not form.is_valid():
            messages = _sentences(form.errors)
            assert messages, form.errors
            assert all(isinstance(m, str) and len(m.split()) >= 2 for m in messages), messages

    bound()


@pytest.mark.parametrize("name", sorted(FORMSETS))
def test_a_formset_bound_to_arbitrary_data_is_valid_or_says_why(db, name):
    formset_class, kwargs_of = FORMSETS[name]
    org = _org()
    prefix = formset_class.get_default_prefix()
    item_fields = list(formset_class.form.base_fields)
    management = [f"{prefix}-{key}" for key in
                  ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")]  # fmt: skip
    fields = [*management, *(f"{prefix}-{i}-{f}" for i in range(3) for f in item_fields)]

    # Fewer examples: a formset builds up to 2,000 forms when TOTAL_FORMS is huge.
    @settings(PROPERTY, max_examples=20)
    @given(data=_post_data(fields))
    def bound(data):
        formset = formset_class(data, **kwargs_of(org))

        if not formset.is_valid():
            messages = [
                *formset.non_form_errors(),
                *(m for e in formset.errors for m in _sentences(e)),
            ]
            assert messages
            assert all(isinstance(m, str) and len(m.split()) >= 2 for m in messages), messages

    bound()
