"""Access by construction: every URL the resolver knows, as every kind of visitor.

The URLs come from Django's resolver (`get_resolver().url_patterns`, walked
recursively; the admin and static files left out), so a view added to any
urls.py is tested the moment it exists, without anyone writing a test for it.
On the demo (`seed_demo`, seeded once for this module on the suite's clock),
with every id in a URL filled with an object of the Pumps Prospecting team
(`OUTSIDER_OBJECTS` says which, per kwarg):

- an anonymous GET and POST are sent to the login page, unless the URL's name
  is in `PUBLIC`;
- no URL answers 500 to a GET from any of the six demo logins (most of them
  belong to Pumps Prospecting, so its pages render with real data; the
  outsiders below must get 404, so a 500 fails for them too);
- every URL with an id answers 404 to a GET (plain and htmx), an empty POST
  and a plausible POST (plain and htmx; `plausible_body`) from people of
  another team of the same value stream (Pumps Key Accounts' TL and a member,
  the Marketing Communication department) and of another value stream (the
  VSM and TC of Pump Service Contracts, which shares no one with the rest),
  and nothing is written: the row count and a checksum of every table
  (sessions aside) are what they were after the seed.

A view that does not take a method at all may answer it 405 instead of 404
or the login redirect: Django refuses it before the view looks anything up.

How a new view without access control makes this fail: a view
`thing_detail(request, thing_id)` that fetches with `Thing.objects.get(pk=...)`
or `get_object_or_404` and renders answers 200 to the outsider, so
`test_an_outsider_gets_404_and_nothing_is_written` fails with
"{'GET': 200, ...}, not 404"; one that checks access but raises
PermissionDenied answers 403 and fails the same way (a 403 tells the outsider
that the id exists); one that writes before it refuses fails with "wrote to
the database: ['standardwork.Thing: 3 -> 4 rows']". And its new kwarg
`thing_id` has no entry in `OUTSIDER_OBJECTS`, so
`test_every_id_kwarg_has_an_outsider_object` fails ("Add to OUTSIDER_OBJECTS
which object of another team fills: thing_id in standardwork:thing_detail")
until its author names the object of another team it is tested with.
Without `login_required` the anonymous GET answers 200, and
`test_anonymous_visitors_are_sent_to_the_login_page` fails unless the URL is
added to `PUBLIC` on purpose.

What is wrong today is listed in `KNOWN_DEFECTS` with the exact answers it
gives: such a case is an xfail while it answers exactly so, and fails once it
answers anything else, fixed included (then its entry is removed). A known
defect never excuses a write.
"""

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Model, Q
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from roles.models import Membership, Team, User, ValueStream
from standardwork.models import (
    Action,
    Check,
    Checklist,
    ControlPoint,
    Cycle,
    Impediment,
    Measurement,
    MissReason,
    Notice,
    StandardWorkTemplate,
    Standup,
)
from tests.conftest import test_now
from valuestream.models import (
    CallScript,
    Campaign,
    Enrollment,
    Handoff,
    Prospect,
    ProspectImport,
    Recording,
    Step,
    StepExecution,
    WeeklyReview,
)

# URL names anyone may open without signing in. The calendar feed's key is its
# secret token (a calendar app cannot log in): any other token answers 404.
# The mail provider's inbound hook cannot log in either: its HMAC signature is its key
# (tests/valuestream/test_inbound_hook.py).
PUBLIC = {
    "login",
    "logout",
    "healthz",
    "valuestream:unsubscribe",
    "valuestream:calendar_feed",
    "valuestream:inbound_hook",
}
# Values for the kwargs of PUBLIC URLs that are no object's id.
PUBLIC_KWARGS = {"token": "no-such-token"}
SKIPPED_NAMESPACES = {"admin"}

TARGET_TEAM = "Pumps Prospecting"
DEMO_LOGINS = ["vsm", "coordinator", "leader", "member", "marcom", "admin"]
# People with no access to the Pumps Prospecting team, and who they are.
OUTSIDERS = {
    "michael.brennan": "TL of another team of the same value stream",
    "ashley.turner": "member of another team of the same value stream",
    "marcom": "the Marketing Communication department, serving the same value stream",
    "ingrid.solberg": "VSM of another value stream",
    "tomasz.nowak": "TC in another value stream",
}
# Industrial Pumps is their own value stream: its pages are no outsider's for them.
SAME_VALUE_STREAM = {"michael.brennan", "ashley.turner", "marcom"}
# The weekly review is attended by the TLs of the value stream's teams and by
# Marketing Communication: theirs too.
# A handoff belongs to both its teams: Pumps Prospecting's handoff to Key Accounts is
# Key Accounts' to see (and its TC's to acknowledge).
OWN_TO_THE_SAME_VALUE_STREAM = {"value_stream_id", "review_id", "handoff_id"}

# kwarg -> (model, filter given the target team): a URL's kwarg is filled with
# the newest such object of the Pumps Prospecting team. A URL with a kwarg
# missing here fails test_every_id_kwarg_has_an_outsider_object.
OUTSIDER_OBJECTS: dict[str, tuple[type[Model], Callable[[Team], Q]]] = {
    "team_id": (Team, lambda team: Q(pk=team.pk)),
    "value_stream_id": (ValueStream, lambda team: Q(teams=team)),
    "person_id": (
        User,
        lambda team: Q(memberships__team=team, memberships__role=Membership.Role.MEMBER),
    ),
    "checklist_id": (Checklist, lambda team: Q(owner__memberships__team=team)),
    "check_id": (
        Check,
        lambda team: Q(checklist__owner__memberships__team=team, status=Check.Status.OPEN),
    ),
    "notice_id": (
        Notice,
        lambda team: (
            Q(recipient__memberships__team=team)
            | Q(recipient__coordinated_teams=team)
            | Q(recipient__managed_value_streams__teams=team)
        ),
    ),
    "template_id": (StandardWorkTemplate, lambda team: Q(team=team)),
    "standup_id": (Standup, lambda team: Q(team=team)),
    "impediment_id": (Impediment, lambda team: Q(team=team, removed_at__isnull=True)),
    "action_id": (Action, lambda team: Q(team=team, done_at__isnull=True)),
    "cycle_id": (Cycle, lambda team: Q(team=team)),
    "control_point_id": (ControlPoint, lambda team: Q(team=team)),
    "measurement_id": (Measurement, lambda team: Q(control_point__team=team)),
    # follow-up campaigns (valuestream)
    "campaign_id": (Campaign, lambda team: Q(team=team)),
    "step_id": (Step, lambda team: Q(campaign__team=team)),
    "script_id": (CallScript, lambda team: Q(team=team)),
    "enrollment_id": (Enrollment, lambda team: Q(campaign__team=team, status="active")),
    "import_id": (ProspectImport, lambda team: Q(team=team)),
    "call_id": (StepExecution, lambda team: Q(enrollment__campaign__team=team, status="call_due")),
    "recording_id": (Recording, lambda team: Q(session__team=team)),
    "prospect_id": (Prospect, lambda team: Q(team=team)),
    "handoff_id": (Handoff, lambda team: Q(from_team=team) | Q(to_team=team)),
    "review_id": (WeeklyReview, lambda team: Q(value_stream__teams=team)),
}

# --- what answers wrongly today ------------------------------------------------------
#
# (URL name, outsider) -> (reason, the answers that are not 404). Each case is
# an xfail while it answers exactly so, and fails once it answers otherwise.

GET, GET_HTMX = "GET", "GET (htmx)"
POST_EMPTY, POST, POST_HTMX = "POST (empty)", "POST (plausible)", "POST (plausible, htmx)"
# URL name -> (reason, the answers that are not 404), for every outsider alike.
_WRONG_FOR_EVERY_OUTSIDER: dict[str, tuple[str, dict[str, int]]] = {}
KNOWN_DEFECTS: dict[tuple[str, str], tuple[str, dict[str, int]]] = {
    (name, username): known
    for name, known in _WRONG_FOR_EVERY_OUTSIDER.items()
    for username in OUTSIDERS
}


# --- the URLs -------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    name: str  # "standardwork:check_tick"
    route: str  # "standard-work/checks/<int:check_id>/tick/"
    kwargs: tuple[str, ...]


def _kwargs_of(entry) -> tuple[str, ...]:
    converters = getattr(entry.pattern, "converters", None)
    if converters is not None:
        return tuple(converters)
    return tuple(entry.pattern.regex.groupindex)


def _walk(
    patterns, namespace: str = "", route: str = "", kwargs: tuple[str, ...] = ()
) -> Iterator[Endpoint]:
    for entry in patterns:
        here = route + str(entry.pattern)
        found = (*kwargs, *_kwargs_of(entry))
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES or entry.app_name in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, here, found)
        elif isinstance(entry, URLPattern):
            if here.startswith(settings.STATIC_URL.lstrip("/")):
                continue
            yield Endpoint(f"{namespace}{entry.name}", here, found)


ENDPOINTS = sorted(_walk(get_resolver().url_patterns), key=lambda endpoint: endpoint.name)
WITH_IDS = [endpoint for endpoint in ENDPOINTS if endpoint.kwargs and endpoint.name not in PUBLIC]


# --- the demo, seeded once for this module ----------------------------------------------

# A visitor's session is their own; every other table must stay as the seed left it.
UNWATCHED = {"sessions.Session"}


def database_state() -> dict[str, tuple[int, str]]:
    """Per table: its row count and a checksum of all its rows."""
    state = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.label in UNWATCHED or not model._meta.managed:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")
            rows = cursor.fetchall()
            state[model._meta.label] = (len(rows), hashlib.sha1(repr(rows).encode()).hexdigest())
    return state


@dataclass
class Seed:
    team: Team
    objects: dict[str, Model | None]
    users: dict[str, User]
    sessions: dict[str, str]
    state: dict[str, tuple[int, str]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def seed(django_db_setup, django_db_blocker) -> Iterator[Seed]:
    """The demo, and a session for each visitor, in a transaction rolled back at the end.

    Each test runs in a savepoint inside it, so it starts from `state`.
    """
    with (
        django_db_blocker.unblock(),
        time_machine.travel(test_now(), tick=False),  # the suite's clock (tests/conftest.py)
        transaction.atomic(),
    ):
        with override_settings(DEMO_DATA_ALLOWED=True):  # whatever DEBUG says
            call_command("seed_demo", verbosity=0)
        team = Team.objects.get(name=TARGET_TEAM)
        objects = {
            kwarg: model.objects.filter(where(team)).order_by("-pk").first()
            for kwarg, (model, where) in OUTSIDER_OBJECTS.items()
        }
        users = User.objects.in_bulk([*DEMO_LOGINS, *OUTSIDERS], field_name="username")
        sessions = {}
        for username, user in users.items():
            client = Client()
            client.force_login(user)  # writes last_login: once, here, before the state
            sessions[username] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield Seed(team, objects, users, sessions, database_state())
        transaction.set_rollback(True)


@pytest.fixture
def demo(seed, db) -> Seed:
    return seed


def client_as(demo: Seed, username: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if username is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = demo.sessions[username]
    return client


def url_of(endpoint: Endpoint, demo: Seed) -> str:
    return reverse(
        endpoint.name,
        kwargs={
            kwarg: PUBLIC_KWARGS[kwarg] if kwarg in PUBLIC_KWARGS else demo.objects[kwarg].pk
            for kwarg in endpoint.kwargs
        },
    )


def written(demo: Seed) -> list[str]:
    now = database_state()
    return [
        f"{label}: {demo.state[label][0]} -> {now[label][0]} rows"
        + (" (rows changed)" if demo.state[label][0] == now[label][0] else "")
        for label in demo.state
        if demo.state[label] != now[label]
    ]


def _management(prefix: str, total: int) -> dict[str, str]:
    counts = {"TOTAL_FORMS": total, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000}
    return {f"{prefix}-{key}": str(value) for key, value in counts.items()}


def plausible_body(demo: Seed) -> dict:
    """What the forms of these pages post, valid and naming the target team's things."""
    team = demo.team
    today = timezone.localdate()
    member = demo.objects["person_id"]
    leader = team.memberships.get(role=Membership.Role.LEADER).user
    value_stream = demo.objects["value_stream_id"]
    soon = (today + timedelta(days=3)).isoformat()
    item = {"title": "Call the top ten accounts", "cadence": "daily", "expected_minutes": "10"}
    return {
        # checks, verification, notices
        "reason": str(MissReason.objects.order_by("pk").values_list("pk", flat=True).first()),
        "reason_text": "Customer call ran over",
        "note": "Ran over with a customer.",
        "comment": "What will you try next time?",
        "countermeasure": "Block the slot in the calendar.",
        "next": "/standard-work/",
        # templates and adopted standards: the head form and one item
        "name": "Renewal calls",
        "layer": "tl",
        "scope": f"team:{team.pk}",
        **_management("form", 1),
        **{f"form-0-{key}": value for key, value in item.items()},
        "form-0-kind": "do",
        **_management("items", 1),
        **{f"items-0-{key}": value for key, value in item.items()},
        # stand-ups, actions, impediments
        "notes": "Sixty calls planned today.",
        "present": [str(member.pk), str(leader.pk)],
        "title": "Clean the call list",
        "description": "Duplicates slow the calls down.",
        "owner": str(member.pk),
        "due_date": soon,
        "removed_how": "Fixed by IT.",
        "to": str(value_stream.vsm_id),
        "answer": "Approved.",
        "show_team": "1",
        "show_owner": "1",
        # cycles and control points
        "kind": "pdca",
        "problem": "Connect rate is low.",
        "hypothesis": "Mornings reach more engineers.",
        "target": "20",
        "stage": "identification",
        "check_result": "Connect rate rose to 21%.",
        "outcome": "kept",
        "corrective_action": "None needed.",
        **_management("actions", 1),
        "actions-0-title": "Move the call block",
        "actions-0-owner": str(leader.pk),
        "actions-0-due_date": soon,
        "action-title": "Move the call block",
        "action-owner": str(leader.pk),
        "action-due_date": soon,
        "unit": "calls",
        "lower_limit": "10",
        "upper_limit": "90",
        "value": "42",
        "measured_on": today.isoformat(),
        "date": today.isoformat(),
        # team and value-stream settings
        "market": "Water utilities",
        "coordinator": str(team.coordinator_id),
        "value_streams": [str(value_stream.pk)],
        "stages": ["identification", "value"],
        "time_zone": "Europe/London",
        "standup_time": "09:00",
        "working_days": ["1", "2", "3", "4", "5"],
        "weekly_review_weekday": "5",
        "weekly_review_time": "14:00",
    }


def _method_not_taken(response, method: str) -> bool:
    """405 from a view that never takes `method`: refused before anything is looked up."""
    return response.status_code == 405 and method not in response.headers.get("Allow", "")


def _params(endpoints: list[Endpoint]) -> list:
    return [pytest.param(endpoint, id=endpoint.name) for endpoint in endpoints]


# --- the tests ----------------------------------------------------------------------------


def test_the_walk_finds_every_app_url_and_leaves_out_the_admin():
    names = [endpoint.name for endpoint in ENDPOINTS]

    assert {"login", "roles:team_detail", "standardwork:check_tick"} <= set(names)
    assert not [name for name in names if name.startswith("admin:")]
    assert len(names) == len(set(names)), "two URLs share a name"
    assert set(names) >= PUBLIC, "a PUBLIC name no URL has: remove it"
    assert len(WITH_IDS) > 30


def test_every_id_kwarg_has_an_outsider_object(demo):
    missing = sorted(
        f"{kwarg} in {endpoint.name}"
        for endpoint in WITH_IDS
        for kwarg in endpoint.kwargs
        if kwarg not in OUTSIDER_OBJECTS
    )
    absent = [kwarg for kwarg, found in demo.objects.items() if found is None]

    assert not missing, (
        f"Add to OUTSIDER_OBJECTS which object of another team fills: {', '.join(missing)}"
    )
    assert not absent, f"The demo has no object of {TARGET_TEAM} for {absent}"


@pytest.mark.parametrize("endpoint", _params([e for e in ENDPOINTS if e.name not in PUBLIC]))
def test_anonymous_visitors_are_sent_to_the_login_page(demo, endpoint):
    client = client_as(demo, None)
    url = url_of(endpoint, demo)
    login = reverse(settings.LOGIN_URL)

    answers = {GET: client.get(url), POST: client.post(url, plausible_body(demo))}

    wrong = {
        method: response.status_code
        for method, response in answers.items()
        if not _method_not_taken(response, method.split()[0])
        and (response.status_code, response.headers.get("Location", "").split("?")[0])
        != (302, login)
    }
    changes = written(demo)
    assert not changes, f"anonymous {url} wrote to the database: {changes}"
    assert not wrong, f"anonymous {url}: {wrong}, not a redirect to {login}"


@pytest.mark.parametrize("endpoint", _params(ENDPOINTS))
def test_no_url_answers_500_to_a_demo_login(demo, endpoint):
    url = url_of(endpoint, demo)

    answers = {username: client_as(demo, username).get(url).status_code for username in DEMO_LOGINS}

    # 500 is an exception; /healthz's deliberate 503 is an answer.
    assert 500 not in answers.values(), f"GET {url}: {answers}"


# An insider's plausible POST that writes: proof that the bodies are ones the
# forms accept and that `written` sees a write.
INSIDER_WRITES = [
    ("standardwork:standup_notes", "coordinator"),
    ("standardwork:team_impediment_raise", "member"),
    ("roles:team_edit", "vsm"),
]


@pytest.mark.parametrize(("name", "username"), INSIDER_WRITES)
def test_an_insiders_plausible_post_is_accepted_and_seen_as_a_write(demo, name, username):
    endpoint = next(endpoint for endpoint in ENDPOINTS if endpoint.name == name)

    response = client_as(demo, username).post(url_of(endpoint, demo), plausible_body(demo))

    assert response.status_code == 302, "plausible_body no longer fits this form: update it"
    assert written(demo)


def _outsider_cases() -> list:
    return [
        pytest.param(endpoint, username, id=f"{endpoint.name}-{username}")
        for endpoint in WITH_IDS
        for username in OUTSIDERS
        if not (
            username in SAME_VALUE_STREAM and OWN_TO_THE_SAME_VALUE_STREAM & set(endpoint.kwargs)
        )
    ]


@pytest.mark.parametrize(("endpoint", "username"), _outsider_cases())
def test_an_outsider_gets_404_and_nothing_is_written(demo, endpoint, username):
    client = client_as(demo, username)
    url = url_of(endpoint, demo)
    body = plausible_body(demo)

    answers = {
        GET: client.get(url),
        GET_HTMX: client.get(url, headers={"HX-Request": "true"}),
        POST_EMPTY: client.post(url),
        POST: client.post(url, body),
        POST_HTMX: client.post(url, body, headers={"HX-Request": "true"}),
    }

    changes = written(demo)
    assert not changes, f"{url} as {username} wrote to the database: {changes}"
    wrong = {
        method: response.status_code
        for method, response in answers.items()
        if response.status_code != 404 and not _method_not_taken(response, method.split()[0])
    }
    known = KNOWN_DEFECTS.get((endpoint.name, username))
    if known is not None:
        reason, answered = known
        assert wrong == answered, (
            f"{url} as {username} answers {wrong or 'as it should'}, no longer {answered} "
            f"({reason}): update or remove its entry in KNOWN_DEFECTS"
        )
        pytest.xfail(f"{reason}: {url} as {username} answers {wrong}")
    assert not wrong, f"{url} as {username} ({OUTSIDERS[username]}): {wrong}, not 404"
