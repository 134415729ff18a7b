"""The organisation and helpers shared by the checklist and verification view tests.

The organisation works every day of the week in UTC, so a test can run on any
weekday; a test that needs a particular day freezes the clock.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roles.models import Layer, Membership
from standardwork.models import Check, CheckEvent, Checklist, MissReason, TemplateItem
from standardwork.services import checklists as checklist_services
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory, ValueStreamFactory
from tests.standardwork.factories import template_with_items

EVERY_DAY = [1, 2, 3, 4, 5, 6, 7]
HTMX = {"HTTP_HX_REQUEST": "true"}
TL_ITEMS = [
    "Head the daily stand-up",
    "Add new call scripts to the follow-up campaign",
    "Check call-list progress",
    "Review yesterday's call outcomes",
]


def _team(name, coordinator, value_stream):
    return TeamFactory(
        name=name,
        coordinator=coordinator,
        value_streams=[value_stream],
        time_zone="UTC",
        working_days=EVERY_DAY,
    )


@pytest.fixture(name="org")
def checklist_org():
    """Two value streams; the first has two teams with their own coordinators."""
    vsm, far_vsm = UserFactory(username="vsm1"), UserFactory(username="vsm2")
    pumps = ValueStreamFactory(vsm=vsm, time_zone="UTC")
    controls = ValueStreamFactory(vsm=far_vsm, time_zone="UTC")
    coordinator = UserFactory(username="tc1", first_name="Sofia", last_name="Marchetti")
    other_coordinator = UserFactory(username="tc2")
    far_coordinator = UserFactory(username="tc3")
    team = _team("Pumps Prospecting", coordinator, pumps)
    other_team = _team("Pumps Retention", other_coordinator, pumps)
    far_team = _team("Controls Demand Generation", far_coordinator, controls)

    def person(username, team, role=Membership.Role.MEMBER):
        return MembershipFactory(team=team, role=role, user=UserFactory(username=username)).user

    org = SimpleNamespace(
        vsm=vsm,
        far_vsm=far_vsm,
        coordinator=coordinator,
        other_coordinator=other_coordinator,
        far_coordinator=far_coordinator,
        team=team,
        leader=person("leader1", team, Membership.Role.LEADER),
        member=person("member1", team),
        other_leader=person("leader2", other_team, Membership.Role.LEADER),
        far_leader=person("leader3", far_team, Membership.Role.LEADER),
    )
    org.tl_items = template_with_items(layer=Layer.TL, titles=TL_ITEMS)
    org.tc_items = template_with_items(
        layer=Layer.TC, titles=["Attend the stand-ups"]
    ) + template_with_items(
        layer=Layer.TC,
        titles=["Verify the Team Leaders' standard work"],
        kind=TemplateItem.Kind.VERIFY,
    )
    org.member_items = template_with_items(layer=Layer.MEMBER, titles=["Log call outcomes"])
    return org


def todays_checks(user) -> list[Check]:
    checklist = checklist_services.checklist_issue_today(user=user)
    return list(checklist.checks.select_related("item").order_by("position"))


def snapshot(check: Check) -> tuple:
    check = Check.objects.get(pk=check.pk)
    return (
        check.status,
        check.done_at,
        check.miss_reason_id,
        check.miss_reason_text,
        check.miss_note,
        check.verification,
        check.verification_comment,
        check.countermeasure,
    )


def url(name: str, *args) -> str:
    return reverse(f"standardwork:{name}", args=args)


def add_history(org, *, days: int = 365) -> None:
    """Working-day checklists before today for the leader, a member, their coordinator and
    another team's leader: a year of them in a few bulk inserts (well under a second)."""
    today = timezone.now().date()
    reason = MissReason.objects.order_by("pk").first()
    items = {
        org.leader: org.tl_items,
        org.other_leader: org.tl_items,
        org.member: org.member_items,
        org.coordinator: org.tc_items,
    }
    checklists = Checklist.objects.bulk_create(
        Checklist(owner=person, date=day, time_zone="UTC")
        for day in (today - timedelta(days=back) for back in range(1, days + 1))
        if day.isoweekday() <= 5
        for person in items
    )
    checks = []
    for n, checklist in enumerate(checklists):
        for position, item in enumerate(items[checklist.owner]):
            missed = (n + position) % 7 == 0
            checks.append(
                Check(
                    checklist=checklist,
                    item=item,
                    position=position,
                    status=Check.Status.MISSED if missed else Check.Status.DONE,
                    done_at=None if missed else timezone.now(),
                    actual_minutes=None if missed else item.expected_minutes,
                    miss_reason=reason if missed else None,
                    miss_note="Ran over" if missed else "",
                    verification=Check.Verification.COUNTERMEASURE_REQUESTED
                    if missed and n % 5 == 0
                    else Check.Verification.CONFIRMED,
                    verification_comment="Why?" if missed and n % 5 == 0 else "",
                    verified_by=org.coordinator,
                )
            )
    Check.objects.bulk_create(checks)
    CheckEvent.objects.bulk_create(
        CheckEvent(check_item=check, actor=check.checklist.owner, kind=CheckEvent.Kind.TICK)
        for check in checks
        if check.status == Check.Status.DONE
    )


def queries_of(client, method: str, path: str, **extra) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, **extra)
    assert response.status_code in (200, 302)
    return len(queries)
