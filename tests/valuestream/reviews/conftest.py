from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from roles.models import Membership, Team, User, ValueStream, Weekday
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory, ValueStreamFactory


def at(text: str, zone: str = "UTC") -> datetime:
    """An aware datetime from 'YYYY-MM-DD HH:MM' in `zone`."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


# The hand-built weeks below are dated (the week of Monday 23 November 2026), so
# these tests start at the suite's default instant whatever LEANOPS_TEST_NOW says;
# time zones and clock changes are tested with explicit instants instead.
WEDNESDAY = "2026-11-25 10:00"


@pytest.fixture(autouse=True)
def on_wednesday(fixed_clock):
    fixed_clock.move_to(at(WEDNESDAY))


@dataclass
class Org:
    pumps: ValueStream
    north: Team
    marcom: Team
    vsm: User
    tc: User
    tl: User
    member: User
    mc_lead: User
    other_vsm: User
    other_stream: ValueStream
    other_team: Team


@pytest.fixture
def org(db) -> Org:
    """Pumps (London, review Friday 14:00): team North (TC, TL, member) and the Marketing
    Communication department (its lead); and another value stream with its own team."""
    vsm = UserFactory(username="vsm", first_name="Vera", last_name="Stream")
    pumps = ValueStreamFactory(
        name="Pumps",
        vsm=vsm,
        time_zone="Europe/London",
        weekly_review_weekday=Weekday.FRIDAY,
        weekly_review_time=time(14, 0),
    )
    tc = UserFactory(username="tc", first_name="Tess", last_name="Coord")
    north = TeamFactory(name="North", value_streams=[pumps], coordinator=tc)
    tl = MembershipFactory(
        team=north,
        user=UserFactory(username="tl", first_name="Tom", last_name="Lead"),
        role=Membership.Role.LEADER,
    ).user
    member = MembershipFactory(
        team=north, user=UserFactory(username="member", first_name="Mia", last_name="Member")
    ).user
    marcom = TeamFactory(
        name="Marketing Communication",
        kind=Team.Kind.MARKETING_COMMUNICATION,
        coordinator=None,
        value_streams=[pumps],
    )
    mc_lead = MembershipFactory(
        team=marcom,
        user=UserFactory(username="mc", first_name="Mo", last_name="Comms"),
        role=Membership.Role.LEADER,
    ).user
    other_vsm = UserFactory(username="other_vsm")
    # Its review is on Sunday night: no tick of these tests' weekdays prepares it.
    other_stream = ValueStreamFactory(
        name="Service",
        vsm=other_vsm,
        weekly_review_weekday=Weekday.SUNDAY,
        weekly_review_time=time(23, 0),
    )
    other_team = TeamFactory(name="Renewals", value_streams=[other_stream])
    return Org(
        pumps=pumps,
        north=north,
        marcom=marcom,
        vsm=vsm,
        tc=tc,
        tl=tl,
        member=member,
        mc_lead=mc_lead,
        other_vsm=other_vsm,
        other_stream=other_stream,
        other_team=other_team,
    )
