"""The organisation's own pages, as the menu and the landing pages show them.

Declarations only (see leanops.base.navigation); the project's wiring
(leanops.navigation) assembles the menu and the landing pages from them.
"""

from leanops.base.navigation import LandingPage, MenuEntry
from roles.models import Layer

MENU = [
    MenuEntry("Value streams", "roles:value_stream_list", group="organisation", layers={Layer.VSM}),
    MenuEntry("My teams", "roles:coordinator_home", group="organisation", layers={Layer.TC}),
    MenuEntry(
        "Marketing Communication", "roles:marcom_home", group="organisation", layers={Layer.MC}
    ),
    MenuEntry("Teams", "roles:team_list", group="organisation", everyone=True),
]

LANDING_PAGES = [
    LandingPage(Layer.TC, "roles:coordinator_home"),
    LandingPage(Layer.MC, "roles:marcom_home"),
    LandingPage(None, "roles:team_list"),
]
