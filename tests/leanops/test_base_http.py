"""The ground floor's HTTP helpers: a redirect target is a local path or the fallback."""

import pytest
from django.test import RequestFactory

from leanops.base.http import safe_next

FALLBACK = "/standard-work/impediments/7/"


def post(next_value: str, **extra):
    return RequestFactory().post("/x/", {"next": next_value}, **extra)


@pytest.mark.parametrize(
    "target",
    ["/standard-work/", "/standard-work/escalations/?page=2", "/teams/2/#impediments"],
)
def test_a_local_path_is_followed(target):
    assert safe_next(post(target), FALLBACK) == target


@pytest.mark.parametrize(
    "target",
    [
        "",
        "abc",
        "-1",
        "NaN",
        "🙂",
        "standardwork:escalations",
        "//evil.example/",
        "/\\evil.example/",
        "https://evil.example/",
        "http://testserver/standard-work/",
        "javascript:alert(1)",
        "/standard-work/\x00",
        "/standard-work/\r\nSet-Cookie: x=1",
    ],
)
def test_anything_else_falls_back_to_the_page_the_action_came_from(target):
    assert safe_next(post(target), FALLBACK) == FALLBACK


def test_next_in_the_query_string_is_read_when_the_body_has_none():
    request = RequestFactory().get("/x/", {"next": "/standard-work/"})

    assert safe_next(request, FALLBACK) == "/standard-work/"
