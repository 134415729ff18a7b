"""The value stream's pages, as the menu, the landing pages and the team pages show them.

Declarations only (see leanops.base.navigation); the wiring (leanops.navigation)
puts them into the existing menu groups and assembles the landing pages.
"""

from leanops.base.navigation import LandingLink, LandingPage, MenuEntry
from roles.models import Layer

CAMPAIGN_LAYERS = {Layer.VSM, Layer.TC, Layer.TL, Layer.MEMBER}
EVERY_LAYER = frozenset(Layer)

MENU = [
    MenuEntry("Calls today", "valuestream:calls_today", group="work",
              layers={Layer.TL, Layer.MEMBER}),
    MenuEntry("Campaigns", "valuestream:campaign_list", group="work", layers=CAMPAIGN_LAYERS),
    # The receiving TC acknowledges handoffs here; the sending team follows them.
    MenuEntry("Handoffs", "valuestream:handoff_list", group="work",
              layers={Layer.TC, Layer.TL, Layer.MEMBER}),
    MenuEntry("Script training", "valuestream:training", group="improvement",
              layers={Layer.TC, Layer.TL, Layer.MEMBER, Layer.VSM}),
    # The weekly review and the VSM's dashboard.
    MenuEntry("Weekly dashboard", "valuestream:dashboard", group="organisation",
              layers={Layer.VSM, Layer.TC}, superuser=True),
    MenuEntry("Budget and ROI", "valuestream:economics", group="organisation", layers={Layer.VSM}),
    # The send windows' holidays: VSMs change them, TCs read them.
    MenuEntry("Holidays", "valuestream:holiday_list", group="organisation",
              layers={Layer.VSM, Layer.TC}, superuser=True),
    MenuEntry("My calendar", "valuestream:calendar_feed_settings", group="work",
              layers=EVERY_LAYER),
]  # fmt: skip

LANDING_PAGES = [
    # The dashboard is what the VSM opens the app for.
    LandingPage(Layer.VSM, "valuestream:dashboard"),
]

LANDING_LINKS = [
    LandingLink("Weekly dashboard", "valuestream:dashboard", layers={Layer.TC}),
    LandingLink("Handoffs to acknowledge", "valuestream:handoff_list", layers={Layer.TC}),
]
