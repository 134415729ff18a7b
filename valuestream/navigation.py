"""The value stream app's pages, as the menu and the landing pages show them.

Declarations only (see leanops.base.navigation); the project's wiring
(leanops.navigation) assembles the menu and the landing pages from them.
"""

from leanops.base.navigation import LandingLink, LandingPage, MenuEntry
from roles.models import Layer

EVERY_LAYER = frozenset(Layer)

MENU = [
    # The weekly review and the VSM's dashboard (issue 11).
    MenuEntry(
        "Weekly dashboard",
        "valuestream:dashboard",
        group="organisation",
        layers={Layer.VSM, Layer.TC},
        superuser=True,
    ),
    MenuEntry(
        "My calendar", "valuestream:calendar_feed_settings", group="work", layers=EVERY_LAYER
    ),
]

LANDING_PAGES = [
    # The dashboard is what the VSM opens the app for.
    LandingPage(Layer.VSM, "valuestream:dashboard"),
]

LANDING_LINKS = [
    LandingLink("Weekly dashboard", "valuestream:dashboard", layers={Layer.TC}),
]
