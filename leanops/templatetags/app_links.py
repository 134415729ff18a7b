"""Links to other apps' pages, for templates of an app that must not name them.

`{% load app_links %}` then, for example, `{% team_links team as links %}` and
`{% include "_app_links.html" %}`. The links come from each app's declarations,
assembled by leanops.navigation, for the signed-in person.
"""

from django import template

from leanops import navigation

register = template.Library()


def _viewer(context):
    return context["request"].user


@register.simple_tag(takes_context=True)
def team_links(context, team, card: bool = False):
    """The other apps' pages about `team`; `card=True` on a list of teams."""
    return navigation.team_links(_viewer(context), team, card=card)


@register.simple_tag(takes_context=True)
def member_url_name(context, team):
    """Where a member's name on `team`'s page leads ("" for a plain name)."""
    return navigation.member_url_name(_viewer(context), team)


@register.simple_tag(takes_context=True)
def person_links(context, person):
    return navigation.person_links(_viewer(context), person)


@register.simple_tag(takes_context=True)
def landing_links(context, layer):
    """The other apps' pages for `layer`'s landing page, if the viewer works in it."""
    return navigation.landing_links(_viewer(context), layer)
