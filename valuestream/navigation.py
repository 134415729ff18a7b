"""The value stream's pages, as the menu, the landing pages and the team pages show them.

Declarations only (see leanops.base.navigation); the wiring (leanops.navigation)
puts them into the existing menu groups.
"""

from leanops.base.navigation import MenuEntry
from roles.models import Layer

CAMPAIGN_LAYERS = {Layer.VSM, Layer.TC, Layer.TL, Layer.MEMBER}

MENU = [
    MenuEntry("Calls today", "valuestream:calls_today", group="work",
              layers={Layer.TL, Layer.MEMBER}),
    MenuEntry("Campaigns", "valuestream:campaign_list", group="work", layers=CAMPAIGN_LAYERS),
    MenuEntry("Script training", "valuestream:training", group="improvement",
              layers={Layer.TC, Layer.TL, Layer.MEMBER, Layer.VSM}),
    MenuEntry("Budget and ROI", "valuestream:economics", group="organisation", layers={Layer.VSM}),
]  # fmt: skip
