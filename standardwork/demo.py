"""Demo standard work: each layer's routines from DOMAIN.md and four weeks of history.

`standard_work_seed` builds on the demo organisation (roles.demo). Templates
are created through services.templates.template_create with the demo superuser as
actor, looked up by name first, so a second run creates none. The history is
written only into a database without any checklist yet, as the people would
have written it: checklists issued by the same reconciler the beat tick runs,
called once for each past day; items ticked, missed with a reason and note, or
left open by their owners; days confirmed, and countermeasures asked for and
recorded, by the layer above. A fixed random seed makes it the same on every
run for the same date.

Before the history is issued, Pumps Prospecting's own call-block standard is
built with the improvement cycle that changed it (standardwork.demo_rhythm's
`improvement_seed`): its versions take effect on their own days, so the
issuer puts version 1 on the Team Leader's checklists before the adoption and
version 2 from the adoption day on, as the beat tick would have.
"""

import random
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from roles.demo import DemoOrganisation
from roles.models import Layer, Membership, Team, User, ValueStream
from standardwork import calendar, policy
from standardwork.demo_rhythm import ImprovementSummary, improvement_seed
from standardwork.models import (
    Absence,
    Check,
    Checklist,
    MissReason,
    Notice,
    StandardWorkTemplate,
    TemplateItem,
    TemplateVersion,
)
from standardwork.services import absences as absence_services
from standardwork.services import adherence as adherence_services
from standardwork.services import checklists as checklist_services
from standardwork.services import templates as template_services
from standardwork.services import verification as verification_services
from standardwork.services.templates import ItemSpec

HISTORY_DAYS = 28
RANDOM_SEED = 2026
# Shares of a past day's items ticked and missed; the rest stays open (a miss without reason).
TICK_SHARE = 0.85
MISS_SHARE = 0.08
# How often the layer above confirms a fully done day, and asks for a countermeasure on a miss.
CONFIRM_SHARE = 0.6
COUNTERMEASURE_SHARE = 0.1
COUNTERMEASURE_RECORDED_SHARE = 0.8
# A red is carried on the verification board until its countermeasure is recorded
# (kamishibai), so a miss left alone reddens its owner's every later day. As a layer
# above that verifies would, most misses older than the last few days were asked
# about and answered; a few are left carried, and the latest days' stay red.
LATE_COUNTERMEASURE_SHARE = 0.95
RECENT_DAYS = 3

Cadence = TemplateItem.Cadence
Kind = TemplateItem.Kind

TEAM_LEADER_WORK = "Team Leader daily standard work"
TEAM_LEADER_REVISION = ItemSpec(
    "Check yesterday's call outcomes are logged before the stand-up", expected_minutes=5
)
TEAM_LEADER_REVISION_NOTE = (
    "Adopted from a PDCA cycle: stand-ups ran over when yesterday's call outcomes "
    "were not logged yet."
)


@dataclass(frozen=True)
class TemplateSpec:
    name: str
    layer: str
    items: list[ItemSpec]
    value_stream: str | None = None


def _template_specs(organisation: DemoOrganisation) -> list[TemplateSpec]:
    specs = [
        TemplateSpec(
            TEAM_LEADER_WORK,
            Layer.TL,
            [
                ItemSpec(
                    "Head the daily stand-up (15 minutes)", expected_minutes=15, kind=Kind.ATTEND
                ),
                ItemSpec("Check call-list progress against today's plan", expected_minutes=10),
                ItemSpec(
                    "Listen back to two recorded calls and give feedback", expected_minutes=20
                ),
                ItemSpec("Clear or escalate prospects stuck at a handoff", expected_minutes=10),
                ItemSpec(
                    "Add new call scripts to the follow-up campaign",
                    cadence=Cadence.WEEKLY,
                    weekday=2,
                    expected_minutes=30,
                ),
            ],
        ),
        TemplateSpec(
            "Team member daily standard work",
            Layer.MEMBER,
            [
                ItemSpec("Review your call list for today", expected_minutes=10),
                ItemSpec("Log the outcome of every call", expected_minutes=15),
            ],
        ),
        TemplateSpec(
            "Team Coordinator standard work",
            Layer.TC,
            [
                ItemSpec(
                    "Attend the teams' stand-ups and log their outcomes",
                    expected_minutes=30,
                    kind=Kind.ATTEND,
                ),
                ItemSpec(
                    "Verify the Team Leaders' standard work", expected_minutes=15, kind=Kind.VERIFY
                ),
                ItemSpec("Chase the open impediments", expected_minutes=15),
                ItemSpec(
                    "Run the weekly script-playback training",
                    cadence=Cadence.WEEKLY,
                    weekday=2,
                    expected_minutes=60,
                    kind=Kind.ATTEND,
                ),
                ItemSpec(
                    "Coordinate the follow-up sequences with Marketing Communication",
                    cadence=Cadence.WEEKLY,
                    weekday=3,
                    expected_minutes=30,
                ),
            ],
        ),
        TemplateSpec(
            "Marketing Communication standard work",
            Layer.MC,
            [
                ItemSpec("Send the follow-up emails due today", expected_minutes=20),
                ItemSpec("Check the auto-responders and the unsubscribe list", expected_minutes=10),
                ItemSpec(
                    "Send this week's direct mail",
                    cadence=Cadence.WEEKLY,
                    weekday=3,
                    expected_minutes=45,
                ),
            ],
        ),
        TemplateSpec(
            "Value Stream Manager standard work",
            Layer.VSM,
            [
                ItemSpec(
                    "Verify the Team Coordinators' and Team Leaders' standard work",
                    expected_minutes=20,
                    kind=Kind.VERIFY,
                ),
                ItemSpec(
                    "Check the calling-program budget against spend",
                    cadence=Cadence.WEEKLY,
                    weekday=1,
                    expected_minutes=20,
                ),
                ItemSpec(
                    "Review ROI per program and set next month's budget",
                    cadence=Cadence.MONTHLY,
                    day_of_month=1,
                    expected_minutes=60,
                ),
            ],
        ),
    ]
    # The weekly review is on each value stream's own weekday: scoped to the value stream.
    for name, value_stream in organisation.value_streams.items():
        weekday = value_stream.weekly_review_weekday
        specs.append(
            TemplateSpec(
                f"Weekly review: {name}",
                Layer.VSM,
                [
                    ItemSpec(
                        "Hold the weekly review with TC, TL and Marketing Communication",
                        cadence=Cadence.WEEKLY,
                        weekday=weekday,
                        expected_minutes=60,
                        kind=Kind.ATTEND,
                    ),
                    ItemSpec(
                        "Send the review's decisions and actions to the teams",
                        cadence=Cadence.WEEKLY,
                        weekday=weekday,
                        expected_minutes=10,
                    ),
                ],
                value_stream=name,
            )
        )
    return specs


# Notes people write when they miss an item, by reason; typed reasons have their own.
MISS_NOTES = {
    "Customer call or meeting ran over": [
        "Site visit at the treatment plant ran an hour over.",
        "Discovery call went long; they brought in their engineer.",
        "Quarterly review with a key account overran.",
    ],
    "Urgent request from a customer": [
        "Customer needed a revised quote before noon.",
        "Pump failure at a customer site; helped service all morning.",
    ],
    "Urgent request from inside the company": [
        "Finance asked for the forecast before the board call.",
        "Covered the trade-show stand prep for Marketing.",
    ],
    "Waiting for someone or something": [
        "Call list from Marketing Communication arrived after lunch.",
        "New script still waiting for legal review.",
    ],
    "System or tool not working": [
        "CRM was down until 11:00.",
        "Dialler kept dropping calls; logged a ticket with IT.",
    ],
    "Not enough time planned": [
        "Onboarding a new starter took the afternoon.",
        "Three demos back to back, no slot left.",
    ],
    "Forgot": ["Went straight into calls and forgot.", "Slipped my mind after the stand-up."],
}
MISS_REASON_WEIGHTS = {
    "Customer call or meeting ran over": 9,
    "Not enough time planned": 6,
    "Waiting for someone or something": 5,
    "System or tool not working": 4,
    "Urgent request from a customer": 3,
    "Forgot": 2,
    "Urgent request from inside the company": 2,
}
TYPED_REASONS = [
    ("Trade show set-up", "Whole team at the trade-show stand all day."),
    ("Customer workshop on site", "Ran the commissioning workshop at the customer's plant."),
]
COUNTERMEASURE_REQUESTS = [
    "What would stop this happening next time? Tell me what you will try.",
    "No reason recorded for this one; what happened, and what stops it next time?",
    "Can we protect this slot in your calendar? Tell me what you will try.",
]
COUNTERMEASURES = [
    "Blocked 08:30-08:45 in my calendar for it, before the first calls.",
    "Moved it to straight after the stand-up, where it cannot be pushed out.",
    "Asked Marketing Communication to send the call list by 08:00.",
    "Agreed with the team that someone else covers it when I am with a customer.",
]


@dataclass
class HistorySummary:
    checklists: int = 0
    checks: int = 0
    ticked: int = 0
    missed: int = 0
    left_open: int = 0
    confirmed_days: int = 0
    countermeasures_requested: int = 0
    countermeasures_recorded: int = 0
    absences: int = 0


@dataclass
class DemoStandardWork:
    templates_created: int = 0
    improvement: ImprovementSummary | None = None
    history: HistorySummary | None = None


def standard_work_seed(
    *, organisation: DemoOrganisation, now: datetime | None = None
) -> DemoStandardWork:
    """Find or build the demo standard work; add the history when no checklist exists yet.

    The team's standard changed by an improvement cycle comes first, so the history
    issues each of its versions on the days it was in effect.
    """
    now = now or timezone.now()
    result = DemoStandardWork()
    with transaction.atomic():
        # The standard work is older than the history: in effect a week before its first day.
        created = _templates_seed(organisation, now=now - timedelta(days=HISTORY_DAYS + 7))
        result.templates_created = len(created)
    if Checklist.objects.exists():
        return result
    with transaction.atomic():
        result.improvement = improvement_seed(organisation=organisation, now=now)
        result.history = _History(organisation, now=now, new_templates=created).build()
    return result


def _templates_seed(
    organisation: DemoOrganisation, *, now: datetime
) -> dict[str, StandardWorkTemplate]:
    """Create the templates that are missing, by name; return the ones created."""
    specs = _template_specs(organisation)
    existing = set(
        StandardWorkTemplate.objects.filter(name__in=[spec.name for spec in specs]).values_list(
            "name", flat=True
        )
    )
    created = {}
    for spec in specs:
        if spec.name in existing:
            continue
        created[spec.name] = template_services.template_create(
            actor=organisation.admin,
            name=spec.name,
            layer=spec.layer,
            items=spec.items,
            value_stream=organisation.value_streams[spec.value_stream]
            if spec.value_stream
            else None,
            now=now,
        )
    return created


@dataclass
class _Intended:
    """When each checklist and notice should say it happened (the services stamp the time
    they run); the check events take the demo's `now` from the services."""

    verified_at: dict[int, datetime] = field(default_factory=dict)
    notices: dict[int, tuple[datetime, datetime | None]] = field(default_factory=dict)


class _History:
    def __init__(
        self,
        organisation: DemoOrganisation,
        *,
        now: datetime,
        new_templates: dict[str, StandardWorkTemplate],
    ) -> None:
        self.organisation = organisation
        self.now = now
        self.new_templates = new_templates
        self.rng = random.Random(RANDOM_SEED)
        self.summary = HistorySummary()
        self.intended = _Intended()
        self.today = now.astimezone(UTC).date()
        self.first_day = self.today - timedelta(days=HISTORY_DAYS)
        self.revised_on = self.first_day + timedelta(days=HISTORY_DAYS // 2)
        self.revision: TemplateVersion | None = None
        self.absence: Absence | None = None

    def build(self) -> HistorySummary:
        self._absence()
        self._issue()
        adherence_services.standard_defaults_ensure()
        self.reasons = {
            reason.label: reason for reason in MissReason.objects.filter(is_active=True)
        }
        checks = Check.objects.select_related("checklist", "item").order_by(
            "checklist__date", "checklist__owner__username", "position"
        )
        by_day: dict[date, dict[int, list[Check]]] = defaultdict(lambda: defaultdict(list))
        for check in checks:
            # Today is left to the people themselves (and to the browser test).
            if check.checklist.date < calendar.local_date(self.now, check.checklist.time_zone):
                by_day[check.checklist.date][check.checklist.owner_id].append(check)
        self.verifier_of = self._verifiers()
        self.users = User.objects.in_bulk(
            {owner_id for owners in by_day.values() for owner_id in owners}
            | set(self.verifier_of.values())
        )
        diligence = self._diligence()
        for day in sorted(by_day):
            for owner_id, day_checks in by_day[day].items():
                self._work(owner_id, day_checks, diligence.get(owner_id, 0.0))
            self._verify(day, by_day[day])
        self._answer_old_misses()
        self._backdate()
        self.summary.checklists = Checklist.objects.count()
        self.summary.checks = Check.objects.count()
        return self.summary

    # --- the days ---------------------------------------------------------------

    def _absence(self) -> None:
        """A member's three days of leave in the second week, recorded by their Team Leader."""
        member = self.organisation.people.get("owen.gallagher")
        leader = self.organisation.people.get("leader")
        if member is None or leader is None:
            return
        monday = self.first_day + timedelta(days=(8 - self.first_day.isoweekday()) % 7)
        start = monday + timedelta(days=9)  # Wednesday of the second week
        self.absence = absence_services.absence_record(
            actor=leader,
            person=member,
            start_date=start,
            end_date=start + timedelta(days=2),
            reason=Absence.Reason.LEAVE,
        )
        self.summary.absences = 1

    def _issue(self) -> None:
        """Issue each past day's checklists as the beat tick would have; revise one standard."""
        day = self.first_day
        while day < self.today:
            if day == self.revised_on and TEAM_LEADER_WORK in self.new_templates:
                # Before that day's checklists are issued: in effect from that day.
                self.revision = template_services.template_version_create(
                    actor=self.organisation.admin,
                    template_id=self.new_templates[TEAM_LEADER_WORK].pk,
                    items=[TEAM_LEADER_REVISION, *self._spec_items(TEAM_LEADER_WORK)],
                    note=TEAM_LEADER_REVISION_NOTE,
                    now=datetime.combine(day, time(7, 30), tzinfo=UTC),
                )
            # Noon UTC is the same calendar day in every demo time zone.
            checklist_services.checklists_issue_due(now=datetime.combine(day, time(12), tzinfo=UTC))
            day += timedelta(days=1)
        checklist_services.checklists_issue_due(now=self.now)

    def _spec_items(self, name: str) -> list[ItemSpec]:
        spec = next(s for s in _template_specs(self.organisation) if s.name == name)
        return spec.items

    def _diligence(self) -> dict[int, float]:
        """Some people tick more than others; the organisation averages TICK_SHARE."""
        people = sorted(self.organisation.people.values(), key=lambda user: user.username)
        return {user.pk: self.rng.uniform(-0.06, 0.06) for user in people}

    def _local(self, day: date, zone: str, at: time, jitter_minutes: int = 0) -> datetime:
        moment = datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(zone))
        return moment + timedelta(minutes=self.rng.randint(0, jitter_minutes))

    def _work(self, owner_id: int, checks: list[Check], diligence: float) -> None:
        owner = self.users[owner_id]
        for check in checks:
            checklist = check.checklist
            roll = self.rng.random()
            if roll < TICK_SHARE + diligence:
                start = time(8, 30 + 5 * min(check.position, 5))
                at = self._local(checklist.date, checklist.time_zone, start, 25) + timedelta(
                    minutes=35 * min(check.position, 6)  # all before 13:00
                )
                checklist_services.check_tick(actor=owner, check_id=check.pk, now=at)
                check.status = Check.Status.DONE
                self.summary.ticked += 1
            elif roll < TICK_SHARE + diligence + MISS_SHARE:
                at = self._local(checklist.date, checklist.time_zone, time(16, 30), 60)
                if self.rng.random() < 0.1:
                    reason_text, note = self.rng.choice(TYPED_REASONS)
                    reason = None
                else:
                    label = self.rng.choices(
                        list(MISS_REASON_WEIGHTS), weights=list(MISS_REASON_WEIGHTS.values())
                    )[0]
                    reason = self.reasons.get(label)
                    reason_text = "" if reason else label
                    note = self.rng.choice(MISS_NOTES[label])
                checklist_services.check_mark_missed(
                    actor=owner,
                    check_id=check.pk,
                    reason=reason,
                    reason_text=reason_text,
                    note=note,
                    now=at,
                )
                check.status = Check.Status.MISSED
                self.summary.missed += 1
            else:
                self.summary.left_open += 1

    def _verifiers(self) -> dict[int, int]:
        """Who verifies whom: a team's TC its TL and members, a VSM the TCs in their stream."""
        verifier_of = dict(
            Membership.objects.filter(team__coordinator__isnull=False)
            .order_by("-pk")
            .values_list("user_id", "team__coordinator_id")
        )
        for coordinator_id, vsm_id in (
            Team.objects.filter(coordinator__isnull=False, value_streams__isnull=False)
            .order_by("-pk")
            .values_list("coordinator_id", "value_streams__vsm_id")
        ):
            verifier_of[coordinator_id] = vsm_id
        return verifier_of

    def _verify(self, day: date, checks_by_owner: dict[int, list[Check]]) -> None:
        """On days a verifier did their verify item, they look at the layer below's day."""
        verified_by_verifier = {
            owner_id
            for owner_id, checks in checks_by_owner.items()
            if any(
                check.item.kind == Kind.VERIFY and check.status == Check.Status.DONE
                for check in checks
            )
        }
        for owner_id, checks in checks_by_owner.items():
            verifier_id = self.verifier_of.get(owner_id)
            if verifier_id not in verified_by_verifier:
                continue
            verifier = self.users[verifier_id]
            zone = checks[0].checklist.time_zone
            not_done = [check for check in checks if check.status != Check.Status.DONE]
            if not not_done:
                if self.rng.random() < CONFIRM_SHARE:
                    self._confirm(verifier, checks[0].checklist, checks, day, zone)
                continue
            if self.rng.random() >= COUNTERMEASURE_SHARE:
                if all(check.status == Check.Status.MISSED for check in not_done):
                    self._confirm(verifier, checks[0].checklist, checks, day, zone)
                continue
            check = self.rng.choice(not_done)
            asked_at = self._local(day, zone, time(17, 30), 30)
            comment = (
                COUNTERMEASURE_REQUESTS[1]
                if check.status == Check.Status.OPEN
                else self.rng.choice([COUNTERMEASURE_REQUESTS[0], COUNTERMEASURE_REQUESTS[2]])
            )
            verification_services.check_request_countermeasure(
                actor=verifier, check_id=check.pk, comment=comment, now=asked_at
            )
            notice = (
                Notice.objects.filter(recipient_id=owner_id, kind=Notice.Kind.COUNTERMEASURE)
                .order_by("-pk")
                .only("pk")
                .first()
            )
            self.summary.countermeasures_requested += 1
            recorded_at = None
            # The last days' requests are still waiting: red until recorded (kamishibai).
            if day < self.today - timedelta(days=3) and (
                self.rng.random() < COUNTERMEASURE_RECORDED_SHARE
            ):
                recorded_at = self._local(day + timedelta(days=1), zone, time(8, 45), 30)
                verification_services.check_record_countermeasure(
                    actor=self.users[owner_id],
                    check_id=check.pk,
                    countermeasure=self.rng.choice(COUNTERMEASURES),
                    now=recorded_at,
                )
                self.summary.countermeasures_recorded += 1
            if notice is not None:
                self.intended.notices[notice.pk] = (asked_at, recorded_at)

    def _answer_old_misses(self) -> None:
        """Most misses older than RECENT_DAYS that nobody asked about: the layer above asks
        the next day for a countermeasure, and the owner records it the day after. The
        leader's latest is left without one.

        Its own random sequence, so the days' ticks, misses and confirmations are
        the same with or without it.
        """
        rng = random.Random(RANDOM_SEED + 1)
        verifier_of = dict(self.verifier_of)
        # Whoever else verifies a person: the VSM above Marketing Communication, say.
        verifiers = User.objects.filter(
            pk__in={*self.verifier_of.values(), *ValueStream.objects.values_list("vsm", flat=True)}
        ).in_bulk()
        for verifier_id in sorted(verifiers):
            for person_id in policy.verifiable_people(verifiers[verifier_id]).values_list(
                "pk", flat=True
            ):
                verifier_of.setdefault(person_id, verifier_id)
        misses = (
            Check.objects.filter(
                status=Check.Status.MISSED,
                checklist__date__lt=self.today - timedelta(days=RECENT_DAYS),
            )
            .exclude(
                verification__in=[
                    Check.Verification.COUNTERMEASURE_REQUESTED,
                    Check.Verification.COUNTERMEASURE_RECORDED,
                ]
            )
            .select_related("checklist__owner")
            .order_by("checklist__date", "checklist__owner__username", "position")
        )
        misses = list(misses)
        # The leader's latest of them is still waiting: the board shows a red carried for days.
        waiting = next(
            (c.pk for c in reversed(misses) if c.checklist.owner.username == "leader"), None
        )
        for check in misses:
            verifier_id = verifier_of.get(check.checklist.owner_id)
            if verifier_id is None or rng.random() >= LATE_COUNTERMEASURE_SHARE:
                continue
            if check.pk == waiting:
                continue
            day, zone = check.checklist.date, check.checklist.time_zone
            asked_at = self._local(day + timedelta(days=1), zone, time(17, 30), 30)
            verification_services.check_request_countermeasure(
                actor=verifiers[verifier_id],
                check_id=check.pk,
                comment=rng.choice([COUNTERMEASURE_REQUESTS[0], COUNTERMEASURE_REQUESTS[2]]),
                now=asked_at,
            )
            notice = (
                Notice.objects.filter(
                    recipient_id=check.checklist.owner_id, kind=Notice.Kind.COUNTERMEASURE
                )
                .order_by("-pk")
                .only("pk")
                .first()
            )
            recorded_at = self._local(day + timedelta(days=2), zone, time(8, 45), 30)
            verification_services.check_record_countermeasure(
                actor=check.checklist.owner,
                check_id=check.pk,
                countermeasure=rng.choice(COUNTERMEASURES),
                now=recorded_at,
            )
            if notice is not None:
                self.intended.notices[notice.pk] = (asked_at, recorded_at)
            self.summary.countermeasures_requested += 1
            self.summary.countermeasures_recorded += 1

    def _confirm(
        self, verifier: User, checklist: Checklist, checks: list[Check], day: date, zone: str
    ) -> None:
        at = self._local(day, zone, time(17, 0), 45)
        verification_services.checklist_confirm(actor=verifier, checklist_id=checklist.pk, now=at)
        self.intended.verified_at[checklist.pk] = at
        self.summary.confirmed_days += 1

    # --- timestamps -------------------------------------------------------------

    def _backdate(self) -> None:
        """Give the history the times it happened at.

        The services stamp `timezone.now()` on issuing and notices, so a
        history written in one go would say it all happened today. This is
        demo data only: nothing else rewrites those stamps. The check events
        are not among them: each service stamps its event with the `now` the
        demo gives it, and history rows are never updated.
        """
        checklists = list(
            Checklist.objects.filter(date__lt=self.today).only(
                "pk", "date", "time_zone", "issued_at", "verified_at"
            )
        )
        for checklist in checklists:
            checklist.issued_at = self._local(checklist.date, checklist.time_zone, time(0, 5), 5)
            checklist.verified_at = self.intended.verified_at.get(
                checklist.pk, checklist.verified_at
            )
        Checklist.objects.bulk_update(checklists, ["issued_at", "verified_at"], batch_size=500)

        notices = list(Notice.objects.filter(pk__in=self.intended.notices))
        for notice in notices:
            notice.created_at, notice.read_at = self.intended.notices[notice.pk]
            if notice.resolved_at is not None:
                notice.resolved_at = notice.read_at  # resolved when the countermeasure was
        Notice.objects.bulk_update(notices, ["created_at", "read_at", "resolved_at"])

        started = datetime.combine(self.first_day - timedelta(days=7), time(9), tzinfo=UTC)
        StandardWorkTemplate.objects.filter(
            pk__in=[template.pk for template in self.new_templates.values()]
        ).update(created_at=started)
        TemplateVersion.objects.filter(template__in=self.new_templates.values(), number=1).update(
            created_at=started
        )
        if self.revision is not None:
            TemplateVersion.objects.filter(pk=self.revision.pk).update(
                created_at=datetime.combine(self.revised_on, time(7, 30), tzinfo=UTC)
            )
        if self.absence is not None:
            Absence.objects.filter(pk=self.absence.pk).update(
                created_at=datetime.combine(
                    self.absence.start_date - timedelta(days=10), time(10), tzinfo=UTC
                )
            )
