"""HTTPS, HSTS and the Content-Security-Policy, as production sends them."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    """The policy's directives by name (django-csp does not keep their order)."""
    parts = (part.strip().split(" ", 1) for part in header.split(";"))
    return dict(parts)


@pytest.fixture
def production_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True


def test_every_page_sends_a_policy_without_inline_scripts_or_styles(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert directives(response.headers["Content-Security-Policy"]) == POLICY


def test_the_admin_is_under_the_same_policy(admin_client):
    response = admin_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert directives(response.headers["Content-Security-Policy"]) == POLICY


def test_pages_carry_no_inline_style_or_script(client):
    body = client.get(reverse("login")).content.decode()

    assert "style=" not in body
    assert "<script>" not in body
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles":false,' in body


def test_plain_http_is_redirected_to_https(client, production_https):
    response = client.get(reverse("login"))

    assert response.status_code == 301
    assert response.url == "https://testserver/login/"


def test_healthz_answers_over_plain_http_for_the_container_health_check(client, production_https):
    response = client.get(reverse("healthz"))

    assert response.status_code in {200, 503}
    assert response.headers["Content-Type"] == "application/json"


def test_https_responses_tell_browsers_to_use_https_only(client, production_https):
    response = client.get(reverse("login"), secure=True)

    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
