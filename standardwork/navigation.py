"""Standard work's pages, as the menu, the landing pages and the team pages show them.

Declarations only (see leanops.base.navigation); the project's wiring
(leanops.navigation) puts them on the pages of the organisation, which
never names a URL of this app.
"""

from leanops.base.navigation import (
    Badge,
    LandingLink,
    LandingPage,
    MemberLink,
    MenuEntry,
    PersonLink,
    TeamLink,
)
from roles.models import Layer, Team
from standardwork.policy import can_view_team_work
from standardwork.selectors.followup import unread_notice_count

EVERY_LAYER = frozenset(Layer)
SALES_TEAMS = {Team.Kind.SALES_MARKETING}
# The MC department holds its daily stand-up and raises impediments like any team.
EVERY_TEAM = {Team.Kind.SALES_MARKETING, Team.Kind.MARKETING_COMMUNICATION}

MENU = [
    MenuEntry(
        "My standard work", "standardwork:my_standard_work", group="work", layers=EVERY_LAYER
    ),
    MenuEntry("Verify", "standardwork:verify_board", group="work", layers={Layer.TC, Layer.VSM}),
    MenuEntry(
        "Templates", "standardwork:template_list", group="work", layers=EVERY_LAYER, superuser=True
    ),
    MenuEntry(
        "Stand-ups",
        "standardwork:standup_list",
        group="rhythm",
        layers={Layer.TC, Layer.TL, Layer.MC},
    ),
    MenuEntry("Impediments", "standardwork:impediment_board", group="rhythm", layers={Layer.TC}),
    MenuEntry("Escalations", "standardwork:escalations", group="rhythm", layers={Layer.VSM}),
    MenuEntry("Improvement", "standardwork:improvement", group="improvement", layers=EVERY_LAYER),
]

LANDING_PAGES = [
    LandingPage(Layer.TL, "standardwork:my_standard_work"),
    LandingPage(Layer.MEMBER, "standardwork:my_standard_work"),
]

LANDING_LINKS = [
    LandingLink("Verification board", "standardwork:verify_board", layers={Layer.TC, Layer.VSM}),
    LandingLink("Impediments", "standardwork:impediment_board", layers={Layer.TC}),
    LandingLink("Escalations", "standardwork:escalations", layers={Layer.VSM}),
    LandingLink("Improvement", "standardwork:improvement", layers={Layer.TC}),
]

TEAM_LINKS = [
    TeamLink(
        "Today's stand-up", "standardwork:team_standup_today", team_kinds=EVERY_TEAM, primary=True
    ),
    TeamLink("Impediments", "standardwork:team_impediments", team_kinds=EVERY_TEAM),
    TeamLink("Improvement", "standardwork:team_improvement", team_kinds=SALES_TEAMS),
    TeamLink("Standard work results", "standardwork:team_adherence", rule=can_view_team_work),
]

MEMBER_LINK = MemberLink("standardwork:person_adherence", rule=can_view_team_work)

PERSON_LINKS = [PersonLink("Standard work results", "standardwork:person_adherence")]

# The header's count of unread notices, on every page, leading to the notices page.
BADGES = [Badge("notices", "Notices", "standardwork:notices", count=unread_notice_count)]
