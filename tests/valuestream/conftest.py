from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from roles.models import Membership, Team
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory, ValueStreamFactory
from tests.valuestream.factories import ProspectFactory
from valuestream.models import Step
from valuestream.services import campaigns as campaign_services


def at(text: str, zone: str = "UTC") -> datetime:
    """An aware datetime from 'YYYY-MM-DD HH:MM' in `zone`."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


@pytest.fixture
def org(db):
    """A value stream with one team in London (VSM, TC, TL, two members), another team
    of another value stream, and the Marketing Communication department with its lead."""
    vsm = UserFactory(username="vsm")
    pumps = ValueStreamFactory(name="Pumps", vsm=vsm, time_zone="Europe/London")
    coordinator = UserFactory(username="coordinator")
    team = TeamFactory(
        name="North", value_streams=[pumps], coordinator=coordinator, time_zone="Europe/London"
    )
    leader = MembershipFactory(
        team=team, user=UserFactory(username="leader"), role=Membership.Role.LEADER
    ).user
    member = MembershipFactory(team=team, user=UserFactory(username="member")).user
    other_vsm = UserFactory(username="other.vsm")
    service = ValueStreamFactory(name="Service", vsm=other_vsm)
    other_team = TeamFactory(name="South", value_streams=[service], coordinator=UserFactory())
    other_leader = MembershipFactory(
        team=other_team, user=UserFactory(username="other.leader"), role=Membership.Role.LEADER
    ).user
    marcom = TeamFactory(
        name="Marketing Communication", kind=Team.Kind.MARKETING_COMMUNICATION, coordinator=None,
        value_streams=[pumps],
    )  # fmt: skip
    marcom_lead = MembershipFactory(
        team=marcom, user=UserFactory(username="marcom"), role=Membership.Role.LEADER
    ).user
    return {
        "vsm": vsm, "pumps": pumps, "coordinator": coordinator, "team": team, "leader": leader,
        "member": member, "other_vsm": other_vsm, "service": service, "other_team": other_team,
        "other_leader": other_leader, "marcom": marcom, "marcom_lead": marcom_lead,
    }  # fmt: skip


@pytest.fixture
def campaign(org):
    return campaign_services.campaign_create(
        actor=org["leader"],
        team=org["team"],
        value_stream=org["pumps"],
        name="Pump Expo follow-up",
        event_kind="trade_show",
        event_name="Pump Expo 2026",
        event_date=date(2026, 11, 10),
    )


@pytest.fixture
def script(org):
    return campaign_services.script_create(
        actor=org["leader"], team=org["team"], name="Expo call", body="Hello {{first_name}}…"
    )


def add_email(campaign, actor, *, delay=0, kind=Step.Kind.EMAIL):
    return campaign_services.step_add(
        actor=actor, campaign=campaign, kind=kind, delay_business_days=delay,
        subject="Thanks for visiting, {{first_name}}", body="Dear {{first_name}} at {{company}}",
    )  # fmt: skip


def add_call(campaign, actor, script, *, delay=0):
    return campaign_services.step_add(
        actor=actor, campaign=campaign, kind=Step.Kind.CALL, delay_business_days=delay,
        script=script,
    )  # fmt: skip


def enroll(campaign, prospects, now):
    return campaign_services.enrollments_create(campaign=campaign, prospects=prospects, now=now)


def prospects(team, count, **kwargs):
    return [ProspectFactory(team=team, **kwargs) for _ in range(count)]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploads (CSVs, recordings) go to a folder of the test's own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def on_the_suites_wednesday(fixed_clock):
    """These tests are dated (calls, sends and feeds in the week of 23 November 2026), so
    they run at the suite's Wednesday whatever LEANOPS_TEST_NOW says; time zones, clock
    changes and weekends are tested with explicit instants (test_schedule.py)."""
    fixed_clock.move_to(at("2026-11-25 10:00"))
