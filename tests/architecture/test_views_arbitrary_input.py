"""Every URL, fed arbitrary input by the people allowed to use it (issue 12, item 4b).

The URLs are the access walk's (tests/architecture/test_access.py: every URL the
resolver knows, ids filled with the demo's Pumps Prospecting objects), and so is the
demo, seeded once for this module. For each URL, hypothesis sends:

- POSTs from the demo logins, each field of the access walk's plausible body kept,
  dropped or replaced by arbitrary values (text, huge numbers, NUL bytes, formula
  cells, dates that do not exist, several values for one field);
- GETs with arbitrary query parameters (the ones the views read, and others).

The properties: no answer is a 500; and a refusal (a 4xx, or the form shown again
with a 200) writes nothing: the row count and checksum of every table are the seed's.
Each example runs in a savepoint rolled back after it, so a POST that was accepted
(a redirect) leaves nothing for the next one.
"""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.architecture import test_access as access
from tests.architecture.test_access import (
    ENDPOINTS,
    PUBLIC,
    Endpoint,
    Seed,
    client_as,
    plausible_body,
    url_of,
    written,
)
from tests.architecture.test_forms_arbitrary_input import NASTY, VALUE

pytestmark = [pytest.mark.property]

# The access walk's demo, seeded once for this module too.
seed = access.seed
demo = access.demo

# Who posts: the demo logins that belong to Pumps Prospecting or oversee it, so that
# most URLs are ones they may use (the access walk proves the outsiders get 404).
INSIDERS = ["leader", "member", "coordinator", "vsm", "marcom", "admin"]
# The query parameters the views read (request.GET and the GET forms).
QUERY_KEYS = ["week", "date", "team", "person", "page", "next", "cycle", "standard",
              "actions", "all", "t", "token", "q"]  # fmt: skip
PROPERTY = settings(
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
APP_ENDPOINTS = [endpoint for endpoint in ENDPOINTS if endpoint.name not in PUBLIC]


def _params(endpoints: list[Endpoint]) -> list:
    return [pytest.param(endpoint, id=endpoint.name) for endpoint in endpoints]


def _body(plausible: dict):
    """The plausible body with some fields dropped and some replaced by arbitrary values."""
    keys = sorted(plausible)
    replaced = st.dictionaries(st.sampled_from(keys), st.lists(VALUE, max_size=3), max_size=8)
    dropped = st.sets(st.sampled_from(keys), max_size=6)
    extra = st.dictionaries(st.sampled_from(["unknown", "id", "pk", "team_id"]), VALUE, max_size=2)
    return st.tuples(replaced, dropped, extra).map(
        lambda parts: {
            **{key: value for key, value in plausible.items() if key not in parts[1]},
            **parts[0],
            **parts[2],
        }
    )


def _takes(demo: Seed, url: str, method: str) -> bool:
    """Whether the URL takes `method`: asked as the admin, in a savepoint rolled back
    (an empty POST may well be accepted and write)."""
    with transaction.atomic():
        response = getattr(client_as(demo, "admin"), method)(url)
        transaction.set_rollback(True)
    return response.status_code != 405


def _refused(response) -> bool:
    """A 4xx, or the page shown again (200 to a plain POST: the form with its errors)."""
    return 400 <= response.status_code < 500 or response.status_code == 200


def _post_property(demo: Seed, url: str) -> None:
    @settings(PROPERTY, max_examples=8)
    @given(username=st.sampled_from(INSIDERS), body=_body(plausible_body(demo)))
    def posted(username, body):
        with transaction.atomic():
            response = client_as(demo, username).post(url, body)

            assert response.status_code != 500, f"POST {url} as {username}: 500"
            if _refused(response):
                changes = written(demo)
                assert changes == [], (
                    f"POST {url} as {username} answered {response.status_code} and wrote {changes}"
                )
            transaction.set_rollback(True)

    posted()


def _query_property(demo: Seed, url: str) -> None:
    @settings(PROPERTY, max_examples=6)
    @given(
        username=st.sampled_from(INSIDERS),
        query=st.dictionaries(
            st.sampled_from([*QUERY_KEYS, *NASTY[:6]]), st.lists(VALUE, max_size=2), max_size=4
        ),
        htmx=st.booleans(),
    )
    def fetched(username, query, htmx):
        with transaction.atomic():
            headers = {"HX-Request": "true"} if htmx else {}
            response = client_as(demo, username).get(url, query, headers=headers)

            assert response.status_code != 500, f"GET {url}?{query} as {username}: 500"
            transaction.set_rollback(True)

    fetched()


@pytest.mark.parametrize("endpoint", _params(APP_ENDPOINTS))
def test_no_arbitrary_input_answers_500_and_a_refusal_writes_nothing(
    demo: Seed, endpoint: Endpoint
):
    url = url_of(endpoint, demo)
    takes_post, takes_get = _takes(demo, url, "post"), _takes(demo, url, "get")

    if takes_post:
        _post_property(demo, url)
    if takes_get:
        _query_property(demo, url)

    assert takes_post or takes_get, f"{endpoint.name} takes neither GET nor POST"
