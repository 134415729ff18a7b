"""The ground floor's HTTP helpers: a redirect target is a local path or the fallback."""

import pytest
from django.test import RequestFactory

from leanops.base.http import client_ip, safe_next

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


CLIENT = "203.0.113.7"
PROXY = "10.0.0.2"


def forwarded(header: str | None):
    extra = {"REMOTE_ADDR": PROXY}
    if header is not None:
        extra["HTTP_X_FORWARDED_FOR"] = header
    return RequestFactory().post("/login/", **extra)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(forwarded("6.6.6.6")) == PROXY


@pytest.mark.parametrize(
    ("proxies", "header"),
    [
        (1, CLIENT),
        # Whatever the client wrote itself stays to the left of what our proxy added.
        (1, f"6.6.6.6, {CLIENT}"),
        (2, f"{CLIENT}, 10.0.0.1"),
        (2, f"6.6.6.6, 7.7.7.7, {CLIENT}, 10.0.0.1"),
    ],
)
def test_the_client_is_the_address_the_outermost_trusted_proxy_saw(settings, proxies, header):
    settings.TRUSTED_PROXY_COUNT = proxies

    assert client_ip(forwarded(header)) == CLIENT


@pytest.mark.parametrize("header", [None, "", CLIENT])
def test_a_request_that_did_not_pass_every_trusted_proxy_gives_the_socket_address(settings, header):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(forwarded(header)) == PROXY
