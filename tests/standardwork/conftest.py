from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from roles.models import Layer, Membership
from standardwork.models import TemplateItem
from standardwork.services import templates as template_services
from standardwork.services.templates import ItemSpec
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory, ValueStreamFactory

UTC = ZoneInfo("UTC")


def at(text: str, zone: str = "UTC") -> datetime:
    """An aware datetime from 'YYYY-MM-DD HH:MM' in `zone`."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def org(superuser):
    """A value stream with one team in London: VSM, TC, TL and a member."""
    vsm = UserFactory(username="vsm")
    pumps = ValueStreamFactory(name="Pumps", vsm=vsm, time_zone="Europe/London")
    coordinator = UserFactory(username="coordinator")
    team = TeamFactory(
        name="North",
        value_streams=[pumps],
        coordinator=coordinator,
        time_zone="Europe/London",
        working_days=[1, 2, 3, 4, 5],
    )
    leader = MembershipFactory(
        team=team, user=UserFactory(username="leader"), role=Membership.Role.LEADER
    ).user
    member = MembershipFactory(team=team, user=UserFactory(username="member")).user
    return {
        "vsm": vsm, "pumps": pumps, "coordinator": coordinator, "team": team,
        "leader": leader, "member": member, "superuser": superuser,
    }  # fmt: skip


@pytest.fixture
def tl_template(superuser):
    return template_services.template_create(
        actor=superuser,
        name="Team Leader daily",
        layer=Layer.TL,
        items=[
            ItemSpec("Head the daily stand-up", expected_minutes=15, kind=TemplateItem.Kind.ATTEND),
            ItemSpec("Check call-list progress", expected_minutes=10),
            ItemSpec("Add new call scripts to the campaign", TemplateItem.Cadence.WEEKLY, 30,
                     weekday=3),
        ],
    )  # fmt: skip
