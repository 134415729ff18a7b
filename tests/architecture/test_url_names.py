"""The ground floor names no URL of the floors above it: `roles` (its Python and
its templates) never reverses a `standardwork:` or `valuestream:` URL, and
`standardwork` never a `valuestream:` one. Links across floors are assembled at
the top (leanops/navigation.py) from what each app declares."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "roles": ("standardwork", "valuestream"),
    "standardwork": ("valuestream",),
}
URL_NAME = re.compile(r"""["'](?P<namespace>[a-z_]+):[a-z_]+["']""")


def _sources(app: str) -> list[Path]:
    python = [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]
    templates = list((ROOT / "templates" / app).rglob("*.html"))
    if app == "roles":
        templates.append(ROOT / "templates" / "_team_card.html")
    return python + templates


def url_namespaces_named(text: str) -> set[str]:
    return {match["namespace"] for match in URL_NAME.finditer(text)}


def test_the_checker_finds_url_names_in_python_and_templates():
    assert url_namespaces_named('reverse("standardwork:my_standard_work")') == {"standardwork"}
    assert url_namespaces_named("{% url 'valuestream:dashboard' pk %}") == {"valuestream"}
    assert url_namespaces_named('"Team: name"') == set()


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_names_no_url_of_an_app_above_it(app):
    found = [
        f"{path.relative_to(ROOT)} names {namespace}: URLs"
        for path in _sources(app)
        for namespace in url_namespaces_named(path.read_text())
        if namespace in FORBIDDEN[app]
    ]

    assert found == []
