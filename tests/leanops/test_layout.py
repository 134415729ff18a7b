"""The layout's top bar and head, written in Python (leanops/templatetags/layout.py):
what a person types is escaped, the logout form carries its CSRF field, a menu kept
for one person's layers is not shown to someone in others, and the head's asset URLs
follow a change of the static settings."""

import re

import pytest
from django.urls import reverse

from leanops.templatetags.layout import head_assets
from tests.roles.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_name_with_markup_is_escaped_in_the_top_bar(client):
    person = UserFactory(first_name="<b>Ann</b>", last_name='"&Co"')
    client.force_login(person)

    html = client.get(reverse("roles:team_list")).content.decode()

    assert (
        f'<a href="{reverse("roles:person_detail", args=[person.pk])}" class="who-name">'
        "&lt;b&gt;Ann&lt;/b&gt; &quot;&amp;Co&quot;</a>"
    ) in html
    assert "<b>Ann</b>" not in html


def test_the_logout_form_carries_the_pages_csrf_token(client):
    client.force_login(UserFactory())

    html = client.get(reverse("roles:team_list")).content.decode()

    logout = reverse("logout")
    form = re.search(rf'<form method="post" action="{logout}" class="inline">(.*?)</form>', html)
    assert form is not None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1))
    assert token is not None and len(token.group(1)) == 64


def test_a_kept_menu_follows_the_persons_layers(client):
    leader = MembershipFactory(role="leader").user
    member = MembershipFactory(role="member").user

    client.force_login(leader)
    leader_html = client.get(reverse("roles:team_list")).content.decode()
    client.force_login(member)
    member_html = client.get(reverse("roles:team_list")).content.decode()

    # Stand-ups are in a Team Leader's menu, not in a member's.
    assert f'href="{reverse("standardwork:standup_list")}"' in leader_html
    assert f'href="{reverse("standardwork:standup_list")}"' not in member_html


def test_the_heads_asset_urls_follow_the_static_settings(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_URL = "/assets-a/"
    first = head_assets()
    settings.STATIC_URL = "/assets-b/"
    second = head_assets()

    assert '<link rel="stylesheet" href="/assets-a/css/app.css">' in first
    assert '<link rel="stylesheet" href="/assets-b/css/app.css">' in second
    assert '<script src="/assets-b/js/menu.js" defer></script>' in second
