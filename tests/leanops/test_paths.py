"""`{% path %}` gives exactly what `{% url %}` gives, for every URL of the product."""

import pytest
from django.template import engines
from django.urls import get_resolver, reverse, set_script_prefix

from leanops.base.paths import path_of


def _named_urls_with_int_args() -> list[tuple[str, int]]:
    """(namespaced name, number of arguments) for every named URL of the product."""
    found = []
    resolver = get_resolver()
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        if namespace == "admin":  # Django's, with regular-expression patterns
            continue
        for name, possibilities in sub.reverse_dict.lists():
            if not isinstance(name, str):
                continue
            for *_, converters in possibilities:
                if all(type(c).__name__ == "IntConverter" for c in converters.values()):
                    found.append((f"{namespace}:{name}", len(converters)))
    return sorted(set(found))


URLS = _named_urls_with_int_args()


def test_the_product_has_urls_with_numeric_arguments_to_compare():
    assert ("standardwork:check_tick", 1) in URLS


@pytest.mark.parametrize(("name", "arity"), URLS)
def test_path_of_equals_reverse(name, arity):
    args = [7 + n * 1000 for n in range(arity)]
    assert path_of(name, *args) == reverse(name, args=args)


def test_path_tag_renders_the_same_as_the_url_tag():
    template = engines["django"].from_string(
        "{% load paths %}{% path 'standardwork:check_tick' pk %}|"
        "{% url 'standardwork:check_tick' pk %}"
    )
    fast, slow = template.render({"pk": 42}).split("|")
    assert fast == slow == "/standard-work/checks/42/tick/"


def test_path_of_falls_back_to_reverse_for_text_arguments():
    assert path_of("standardwork:check_tick", "42") == "/standard-work/checks/42/tick/"


def test_path_of_follows_the_script_prefix():
    set_script_prefix("/leanops/")
    try:
        assert path_of("standardwork:check_tick", 5) == "/leanops/standard-work/checks/5/tick/"
    finally:
        set_script_prefix("/")
