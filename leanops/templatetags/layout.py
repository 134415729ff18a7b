"""The layout's top bar, written in Python: `{% topbar %}` in templates/_base.html.

Every page draws it: the brand, the header's badges, the menu and who is signed
in. As template loops it cost about as much CPU as the whole of the trivial
logged-in page the bench measures against (two thousand variable lookups and
tag calls a page). The menu depends only on the person's layers, whether they
are staff or superuser and the page's path, so its markup is written once per
such combination in a process and kept (leanops.navigation.menu keeps the menu
itself the same way); the badges' counts, the name and the CSRF field are
written for each request. The markup is what the template wrote.
"""

from functools import lru_cache

from django import template
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.context import Context
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django_htmx.jinja import htmx_script

from leanops.base.paths import path_of
from leanops.base.rows import csrf_field
from leanops.navigation import HeaderBadge

register = template.Library()


@register.simple_tag
def head_assets() -> SafeString:
    """The `<head>`'s icon, style sheets and scripts, their URLs looked up once.

    The static files' storage names a file's hashed URL from its manifest on
    every `{% static %}`; the six of the layout cost a third of what was left of
    it. They change only with the storage, which Django builds anew when the
    static settings change (as tests do), hence the key: the storage itself (equal
    only to itself, and kept alive by the cache, so a new one never looks old)."""
    staticfiles_storage.url  # noqa: B018 - builds the configured storage if it is not yet
    return mark_safe(_head_assets(staticfiles_storage._wrapped))


@lru_cache(maxsize=8)
def _head_assets(storage) -> str:
    return (
        f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">\n'
        f'  <link rel="stylesheet" href="{static("css/app.css")}">\n'
        f'  <noscript><link rel="stylesheet" href="{static("css/noscript.css")}"></noscript>\n'
        f"  {htmx_script(version=2, minified=True, extensions='', nonce=None)}\n"
        f'  <script src="{static("js/htmx_refusals.js")}" defer></script>\n'
        f'  <script src="{static("js/menu.js")}" defer></script>'
    )


def _link(link) -> str:
    current = ' aria-current="page"' if link.current else ""
    return f'<a href="{escape(link.url)}"{current}>{escape(link.label)}</a>'


@lru_cache(maxsize=4096)
def _menu_html(groups: tuple) -> str:
    """The `<nav>` of a menu (a tuple of leanops.navigation.MenuGroup, which are frozen)."""
    items = []
    for group in groups:
        more = ""
        if group.more:
            links = "".join(f"<li>{_link(link)}</li>" for link in group.more)
            more = (
                '<details class="menu-more"><summary><span class="visually-hidden">'
                f"More in {escape(group.more_label)}</span></summary><ul>{links}</ul></details>"
            )
        holds = " holds-current" if group.holds_current else ""
        items.append(f'<li class="menu-item{holds}">{_link(group.main)}{more}</li>')
    return f'<nav aria-label="Main" class="menu"><ul class="menu-list">{"".join(items)}</ul></nav>'


def badge_html(badge, *, oob: bool = False) -> str:
    """One header badge (leanops.navigation.HeaderBadge), as templates/_header_badge.html."""
    has_count = " has-count" if badge.count else ""
    swap = ' hx-swap-oob="true"' if oob else ""
    count = (
        f' <span class="badge-count">{badge.count}</span>'
        '<span class="visually-hidden"> unread</span>'
        if badge.count
        else ""
    )
    return (
        f'<a class="header-badge{has_count}" id="badge-{escape(badge.key)}" '
        f'href="{escape(badge.url)}"{swap}>{escape(badge.label)}{count}</a>'
    )


@register.simple_tag(takes_context=True)
def topbar(context: Context) -> SafeString:
    """The `<header class="topbar">` for the context's `user` (leanops.navigation's
    context processor gives the menu, the badges and the layers' labels)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return mark_safe(
            f'<header class="topbar"><a class="brand" href="{path_of("login")}">LeanOps</a>'
            "</header>"
        )
    parts = [f'<header class="topbar"><a class="brand" href="{path_of("home")}">LeanOps</a>']
    badges = context.get("header_badges")
    if callable(badges):
        badges = badges()
    if badges:
        parts.append(
            f'<div class="header-badges">{"".join(badge_html(badge) for badge in badges)}</div>'
        )
    parts.append(
        '<button type="button" class="menu-button" aria-expanded="false" '
        'aria-controls="menu-panel">Menu</button><div class="menu-panel" id="menu-panel">'
    )
    parts.append(_menu_html(tuple(context.get("menu") or ())))
    labels = context.get("user_layer_labels")
    layer = f'<span class="who-layer">{escape(" · ".join(labels))}</span>' if labels else ""
    parts.append(
        f'<div class="who"><a href="{path_of("roles:person_detail", user.pk)}" class="who-name">'
        f"{escape(user.display_name)}</a>{layer}"
        f'<form method="post" action="{path_of("logout")}" class="inline">{csrf_field(context)}'
        '<button type="submit" class="link-button">Log out</button></form></div></div></header>'
    )
    return mark_safe("".join(parts))


@register.simple_tag
def header_badge(key: str, label: str, url: str, count: int, oob: bool = False) -> SafeString:
    """One badge on its own (an htmx answer updating it out of band)."""
    return mark_safe(badge_html(HeaderBadge(key, label, url, count), oob=oob))
