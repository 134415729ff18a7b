"""The menu and each layer's landing page, assembled from what each app declares.

The wiring floor: the one place that sees every app. Each app lists its own
pages in its `navigation.py` (menu entries, landing pages, links for team and
person pages, see leanops.base.navigation); this module groups the menu,
sends each person to their layer's landing page and hands every app's links
to the pages of the others. A new app adds its module to APPS.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ImproperlyConfigured
from django.urls import get_script_prefix, get_urlconf

from leanops.base.navigation import Badge, Link, MenuEntry, Rule
from leanops.base.paths import path_of
from roles import navigation as roles_navigation
from roles.selectors import user_layers
from standardwork import navigation as standardwork_navigation
from valuestream import navigation as valuestream_navigation

APPS = (roles_navigation, standardwork_navigation, valuestream_navigation)

# The menu's groups, in order, with the name of the disclosure that opens the
# rest of a group. Five groups, so no one sees more than five top-level entries:
# a group shows its first entry the person may see, the others behind a toggle.
GROUPS: dict[str, str] = {
    "work": "standard work",
    "rhythm": "stand-ups and impediments",
    "improvement": "improvement",
    "organisation": "the organisation",
    "admin": "administration",
}
MAX_TOP_LEVEL = 5

ADMIN = MenuEntry("Admin", "admin:index", group="admin", staff=True)


def _declared(name: str) -> list:
    return [item for app in APPS for item in getattr(app, name, ())]


MENU: list[MenuEntry] = [*_declared("MENU"), ADMIN]
LANDING_PAGES = {page.layer: page.url_name for page in _declared("LANDING_PAGES")}
LANDING_LINKS = _declared("LANDING_LINKS")
TEAM_LINKS = _declared("TEAM_LINKS")
PERSON_LINKS = _declared("PERSON_LINKS")
MEMBER_LINKS = [app.MEMBER_LINK for app in APPS if hasattr(app, "MEMBER_LINK")]
BADGES: list[Badge] = _declared("BADGES")

if len(GROUPS) > MAX_TOP_LEVEL:
    raise ImproperlyConfigured(f"The menu has {len(GROUPS)} groups; at most {MAX_TOP_LEVEL}.")
for _entry in MENU:
    if _entry.group not in GROUPS:
        raise ImproperlyConfigured(f"Menu entry {_entry.label!r} is in no group: {_entry.group!r}")
if len(MEMBER_LINKS) > 1:
    raise ImproperlyConfigured("Only one app may say where a team member's name leads.")


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class MenuGroup:
    """One top-level entry: `main` is shown, `more` sits behind the group's toggle."""

    key: str
    more_label: str
    main: MenuLink
    more: tuple[MenuLink, ...]

    @property
    def links(self) -> tuple[MenuLink, ...]:
        return (self.main, *self.more)

    @property
    def holds_current(self) -> bool:
        return any(link.current for link in self.more)


def menu(user, *, path: str = "") -> list[MenuGroup]:
    """The menu `user` sees, grouped: one top-level entry per group they see anything in."""
    return list(
        _menu_of(
            tuple(user_layers(user)),
            user.is_superuser,
            user.is_staff,
            path,
            get_script_prefix(),
            get_urlconf(),
        )
    )


@lru_cache(maxsize=4096)
def _menu_of(
    layers: tuple, is_superuser: bool, is_staff: bool, path: str, script_prefix: str, urlconf
) -> tuple[MenuGroup, ...]:
    """The menu for one combination of what decides it, kept for the process: the
    entries are fixed at start-up and MenuGroup is frozen, so every page of the same
    person (and of everyone in the same layers) shares one. The script prefix and
    URL configuration are in the key because the links' URLs depend on them."""
    grouped: dict[str, list[MenuLink]] = {key: [] for key in GROUPS}
    for entry in MENU:
        if entry.shown_to(layers=layers, is_superuser=is_superuser, is_staff=is_staff):
            url = path_of(entry.url_name)
            grouped[entry.group].append(MenuLink(entry.label, url, current=url == path))
    return tuple(
        MenuGroup(key=key, more_label=GROUPS[key], main=links[0], more=tuple(links[1:]))
        for key, links in grouped.items()
        if links
    )


def landing_url(user) -> str:
    """Where `user` lands: the page of their highest layer; staff without one, the admin."""
    layers = user_layers(user)
    if layers:
        return path_of(LANDING_PAGES[layers[0]])
    if user.is_staff:
        return path_of(ADMIN.url_name)
    return path_of(LANDING_PAGES[None])


def landing_links(user, layer: str) -> list[Link]:
    """The pages other apps offer on `layer`'s landing page, if `user` works in that layer."""
    if layer not in user_layers(user):
        return []
    return [
        Link(link.label, path_of(link.url_name)) for link in LANDING_LINKS if layer in link.layers
    ]


def _allowed(user, rule: Rule | None, subject) -> bool:
    """Ask `rule`, once per request for each subject (the user object lives a request)."""
    if rule is None:
        return True
    answers = getattr(user, "_leanops_rule_answers", None)
    if answers is None:
        answers = user._leanops_rule_answers = {}
    key = (rule, type(subject), subject.pk)
    if key not in answers:
        answers[key] = rule(user, subject)
    return answers[key]


def team_links(user, team, *, card: bool = False) -> list[Link]:
    """The other apps' pages about `team` that `user` may open.

    On a card (a list of teams) only the links without a rule: they cost no query.
    """
    return [
        Link(link.label, path_of(link.url_name, team.pk), link.primary, about=team.name)
        for link in TEAM_LINKS
        if link.applies_to(team)
        and (link.rule is None or (not card and _allowed(user, link.rule, team)))
    ]


def member_url_name(user, team) -> str:
    """The URL name a team member's name leads to on `team`'s page, or "" for plain names."""
    for link in MEMBER_LINKS:
        if _allowed(user, link.rule, team):
            return link.url_name
    return ""


def person_links(user, person) -> list[Link]:
    """The other apps' pages about `person` (their profile page is visible to `user`)."""
    return [Link(link.label, path_of(link.url_name, person.pk)) for link in PERSON_LINKS]


@dataclass(frozen=True)
class HeaderBadge:
    key: str
    label: str
    url: str
    count: int


def header_badges(user) -> list[HeaderBadge]:
    """The header's badges for `user`, each with its count (one query per badge)."""
    return [
        HeaderBadge(badge.key, badge.label, path_of(badge.url_name), badge.count(user))
        for badge in BADGES
    ]


def _header_badges_once(request):
    """`header_badges`, asked when the layout first renders them and then kept for the
    request: a page that renders no header (the admin) asks nothing."""

    def badges() -> list[HeaderBadge]:
        if not hasattr(request, "_leanops_header_badges"):
            request._leanops_header_badges = header_badges(request.user)
        return request._leanops_header_badges

    return badges


def navigation(request) -> dict:
    """Context processor: the menu, the header's badges and the person's layers for the
    page layout.

    htmx partials never show the menu or the badges, so they skip their queries.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(request, "htmx", False):
        return {}
    groups = menu(user, path=request.path)
    layers = user_layers(user)
    return {
        "menu": groups,
        # Every page of the menu as (label, url), whatever group it sits in.
        "nav_items": [(link.label, link.url) for group in groups for link in group.links],
        "user_layers": layers,
        "user_layer_labels": [layer.label for layer in layers],
        "header_badges": _header_badges_once(request),
    }
