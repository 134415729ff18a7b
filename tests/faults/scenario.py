"""What the fault tests arrange and read back, run inside a Django process against
the throwaway servers (tests.faults.servers.django_script): the test process itself
never opens the throwaway database through the ORM.

Each function takes and returns JSON-able values.
"""

import email
from datetime import UTC, date, datetime, time
from pathlib import Path

from django.utils import timezone

from roles.models import Layer, Membership
from standardwork.models import Check, Checklist, Standup
from tests.roles.factories import (
    PASSWORD,
    MembershipFactory,
    TeamFactory,
    UserFactory,
    ValueStreamFactory,
)
from tests.standardwork.factories import template_with_items
from tests.valuestream.factories import ProspectFactory
from valuestream.models import Enrollment, ProspectImport, Step, StepExecution
from valuestream.services import campaigns as campaign_services

EVERY_DAY = [1, 2, 3, 4, 5, 6, 7]
LONG_AGO = datetime(2020, 1, 6, 9, tzinfo=UTC)


def _organisation() -> dict:
    """A team in UTC that works every day and holds its stand-up at midnight, so that,
    whatever the hour the suite runs at, today's checklists and stand-up are due."""
    vsm = UserFactory(username="vsm")
    stream = ValueStreamFactory(name="Pumps", vsm=vsm, time_zone="UTC")
    team = TeamFactory(
        name="North", value_streams=[stream], coordinator=UserFactory(username="coordinator"),
        time_zone="UTC", working_days=EVERY_DAY, standup_time=time(0, 0),
    )  # fmt: skip
    leader = MembershipFactory(
        team=team, user=UserFactory(username="leader"), role=Membership.Role.LEADER
    ).user
    member = MembershipFactory(team=team, user=UserFactory(username="member")).user
    return {"vsm": vsm, "stream": stream, "team": team, "leader": leader, "member": member}


def _campaign_due(org: dict, enrollments: int) -> tuple[int, list[str]]:
    """A campaign whose one step (an auto-responder: due at once, whatever the hour) is
    due for `enrollments` prospects; its id and their addresses."""
    campaign = campaign_services.campaign_create(
        actor=org["leader"], team=org["team"], value_stream=org["stream"],
        name="Pump Expo follow-up", event_kind="trade_show", event_name="Pump Expo 2026",
        event_date=date(2026, 11, 10),
    )  # fmt: skip
    step = campaign_services.step_add(
        actor=org["leader"], campaign=campaign, kind=Step.Kind.AUTO_RESPONDER,
        delay_business_days=0, subject="Thanks, {{first_name}}", body="Dear {{first_name}}",
    )  # fmt: skip
    people = [
        ProspectFactory(team=org["team"], email=f"prospect{n:04d}@example.com")
        for n in range(enrollments)
    ]
    Enrollment.objects.bulk_create(
        Enrollment(campaign=campaign, prospect=p, next_step=step, next_due_at=LONG_AGO,
                   enrolled_at=LONG_AGO)
        for p in people
    )  # fmt: skip
    return campaign.pk, [p.email for p in people]


def campaign_seed(*, enrollments: int) -> list[str]:
    return _campaign_due(_organisation(), enrollments)[1]


def rhythm_seed(*, enrollments: int) -> dict:
    """The organisation with checklists to issue (the leader's and the member's), a
    stand-up to open and campaign emails due: what beat's ticks make happen."""
    org = _organisation()
    template_with_items(layer=Layer.TL, titles=["Head the daily stand-up"])
    template_with_items(layer=Layer.MEMBER, titles=["Log call outcomes"])
    campaign_id, addresses = _campaign_due(org, enrollments)
    return {"password": PASSWORD, "prospects": addresses, "campaign": campaign_id}


def campaign_report() -> dict:
    """How each enrolment's step ended: execution statuses, and enrolment statuses."""
    executions: dict[str, int] = {}
    for status in StepExecution.objects.values_list("status", flat=True):
        executions[status] = executions.get(status, 0) + 1
    enrollments: dict[str, int] = {}
    for status in Enrollment.objects.values_list("status", flat=True):
        enrollments[status] = enrollments.get(status, 0) + 1
    return {"executions": executions, "enrollments": enrollments}


def rhythm_report() -> dict:
    """Today's (UTC) checklists by owner and stand-ups by team, and the campaign."""
    today = timezone.now().date()
    return {
        "checklists": sorted(
            Checklist.objects.filter(date=today).values_list("owner__username", flat=True)
        ),
        "standups": sorted(Standup.objects.filter(date=today).values_list("team__name", flat=True)),
        "imports": sorted(ProspectImport.objects.values_list("status", flat=True)),
        "done": sorted(
            Check.objects.filter(status=Check.Status.DONE).values_list(
                "checklist__owner__username", "item__title"
            )
        ),
        **campaign_report(),
    }


def sent_emails(mail_dir: str) -> list[str]:
    """Recipients of the emails Django's file backend wrote into `mail_dir`, one entry
    per email (the files are shared by every process that sent)."""
    recipients = []
    for path in sorted(Path(mail_dir).glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                recipients.append(email.message_from_string(chunk.strip())["To"])
    return recipients
