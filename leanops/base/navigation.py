"""What an app may declare about its own pages, for the menu and the landing pages.

Ground floor: imports no app. Each app lists its entries in its own
`navigation.py`; the wiring on top (`leanops.navigation`) reads every app's
lists, groups the menu, picks each layer's landing page and puts each app's
links on the pages of the others. So an app never names another app's URL.

Layers are the values of `roles.models.Layer` ("vsm", "tc", "tl", "mc",
"member"); an app passes them in, this module does not need to know them.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

# A rule about the viewer and one object (a team, a person), asked before a
# link to a page only some may see is shown: the same function the page asks.
Rule = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class MenuEntry:
    """One page in the main menu.

    `group` is the menu group it belongs to (the wiring decides the groups and
    their order); within a group, entries keep the order they are declared in
    and the first one a person sees is the group's top-level link.
    """

    label: str
    url_name: str
    group: str
    layers: Collection[str] = ()  # shown to people working in any of these layers
    everyone: bool = False  # shown to everyone signed in, with or without a layer
    superuser: bool = False  # also shown to superusers without a layer
    staff: bool = False  # shown to staff (the admin site)

    def shown_to(self, *, layers: Collection[str], is_superuser: bool, is_staff: bool) -> bool:
        return (
            self.everyone
            or (self.superuser and is_superuser)
            or (self.staff and is_staff)
            or any(layer in self.layers for layer in layers)
        )


@dataclass(frozen=True)
class LandingPage:
    """The page a layer's people land on after logging in (`layer` None: no layer)."""

    layer: str | None
    url_name: str


@dataclass(frozen=True)
class LandingLink:
    """A page offered on the landing page of each of `layers` (the layer's hub)."""

    label: str
    url_name: str
    layers: Collection[str]


@dataclass(frozen=True)
class TeamLink:
    """A page about one team (its URL takes the team's id), linked from the team's pages.

    `team_kinds` limits it to those kinds of team (empty: every kind). With a
    `rule`, only viewers it allows see the link, on the team's own page; team
    cards, which list many teams, show only links without a rule, so a list
    costs no query per team.
    """

    label: str
    url_name: str
    team_kinds: Collection[str] = ()
    rule: Rule | None = None
    primary: bool = False

    def applies_to(self, team: Any) -> bool:
        return not self.team_kinds or team.kind in self.team_kinds


@dataclass(frozen=True)
class MemberLink:
    """Where a person's name on their team's page leads (the URL takes the person's id)."""

    url_name: str
    rule: Rule | None = None  # asked with (viewer, team)


@dataclass(frozen=True)
class PersonLink:
    """A page about one person (its URL takes their id), linked from their profile."""

    label: str
    url_name: str


@dataclass(frozen=True)
class Link:
    """A link ready to render: what the wiring hands to the templates."""

    label: str
    url: str
    primary: bool = False
    about: str = ""  # whose page it is, for screen readers where many such links sit together


@dataclass(frozen=True)
class Badge:
    """A count in the header, on every page, linking to the page that lists what it
    counts (the person's unread notices). `count(user)` answers in one query; the
    wiring asks it once per full page and never for an htmx partial."""

    key: str  # names the badge's element ("badge-<key>"), for out-of-band updates
    label: str
    url_name: str
    count: Callable[[Any], int]
