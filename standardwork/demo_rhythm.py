"""The demo's daily accountability rhythm and improvement work, on top of the
organisation (roles.demo) and its standard work (standardwork.demo):

- four weeks of stand-ups for every sales and marketing team, with attendance,
  notes, actions (most done, a few overdue) and impediments (most removed,
  one escalated and answered by the VSM, one escalation still waiting);
- for Pumps Prospecting (`improvement_seed`), a team-scoped standard for its
  call block, two PDCA cycles (one adopted ADOPTED_DAYS_AGO days ago, which
  made version 2 of that standard from that day; one in Check) and control
  points with enough values for meaningful XmR charts, the adoption starting
  a new baseline. standard_work_seed builds it before it issues the history,
  so the Team Leader's checklists carry version 1 before the adoption day and
  version 2 from it.

Everything is written through the services, as of the day it happened (their
`now=`); the timestamps the database stamps itself are moved back afterwards
(never a history row's: those take the service's `now`).
Built once: nothing happens when a stand-up (or the call-block standard)
already exists.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from roles.demo import DemoOrganisation
from roles.models import Layer, Membership, Team
from roles.selectors import team_people
from standardwork.calendar import team_today
from standardwork.models import (
    Action,
    ControlPoint,
    ControlPointBaseline,
    Cycle,
    Impediment,
    Measurement,
    Notice,
    StandardWorkTemplate,
    Standup,
    TemplateVersion,
)
from standardwork.services import cycles as cycle_services
from standardwork.services import followup
from standardwork.services import standups as standup_services
from standardwork.services import templates as services
from standardwork.services.templates import ItemSpec

DAYS_OF_HISTORY = 28
CALL_BLOCK_STANDARD = "Pumps Prospecting call block"
CALL_BLOCK_TEAM = "Pumps Prospecting"
# The adopted cycle changed the call-block standard this many days before today
# (the working day before, when that is not one of the team's working days).
ADOPTED_DAYS_AGO = 13
# The call-block standard is as old as the demo's other standard work: in effect
# a week before the history's first day.
STANDARD_DAYS_AGO = DAYS_OF_HISTORY + 7
# The team's control points are measured from two weeks before the history's first
# day, so the afternoon calls before the trial make a baseline of their own.
MEASURED_DAYS = DAYS_OF_HISTORY + 14
CALL_BLOCK_ITEMS = [
    ItemSpec("Protect the team's call block 13:00-15:00", expected_minutes=5),
    ItemSpec("Check the call list is loaded before the block", expected_minutes=10),
]
ADOPTED_CALL_BLOCK_ITEMS = [
    ItemSpec("Protect the team's call block 08:00-10:00", expected_minutes=5),
    ItemSpec("Check the call list is loaded the evening before", expected_minutes=10),
]

STANDUP_NOTES = [
    "Call list for the water-utilities webinar is loaded; 60 calls planned today.",
    "Two meetings booked yesterday; both with process-plant engineers.",
    "New script version for the trade-show follow-up goes live today.",
    "Handoff of three qualified prospects to Key Accounts agreed with the TC.",
    "Connect rate dipped yesterday afternoon; try the morning block again.",
    "Marketing Communication sends the follow-up email at 10:00; calls start after.",
]
ACTIONS = [
    "Send the call list for tomorrow to the team",
    "Update the objection handling in the follow-up script",
    "Ask Marketing Communication for the webinar attendee export",
    "Book the script playback session with the trainer",
    "Clean duplicate prospects out of the CRM list",
    "Prepare the handoff notes for Key Accounts",
]
IMPEDIMENTS = [
    ("Dialler drops calls after 30 seconds", "IT ticket raised; switched dialler profile."),
    ("Webinar attendee list arrives late", "Marketing Communication now sends it by 08:00."),
    ("No trainer for script playback this week", "Second trainer found in Key Accounts."),
    ("CRM shows the wrong owner for handed-off prospects", "Ownership rule fixed by IT."),
]

ESCALATIONS = [
    (
        "Calling-program budget runs out before the trade-show follow-up",
        "Needs budget the TC cannot approve: 300 more calls at the agency rate.",
        "Approved 300 more calls from the Q4 calling-program budget.",
    ),
    (
        "Key Accounts takes no handoffs on Fridays",
        "Both teams' leads disagree; needs the VSM to set the handoff rule.",
        "",
    ),
]


@dataclass
class RhythmSummary:
    standups: int = 0
    actions: int = 0
    impediments: int = 0
    escalations: int = 0


@dataclass
class ImprovementSummary:
    cycles: int = 0
    measurements: int = 0
    adopted_on: date | None = None


def _local(team: Team, day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(team.time_zone))


def _working_days(team: Team, start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if day.isoweekday() in team.working_days:
            days.append(day)
        day += timedelta(days=1)
    return days


def rhythm_seed(
    *, organisation: DemoOrganisation, now: datetime | None = None
) -> RhythmSummary | None:
    """Build the demo's stand-ups, impediments and actions, once."""
    if Standup.objects.exists():
        return None
    now = now or timezone.now()
    with transaction.atomic():
        builder = _Rhythm(organisation, now)
        builder.standups()
        builder.escalations()
    return builder.summary


class _Rhythm:
    def __init__(self, organisation: DemoOrganisation, now: datetime):
        self.organisation = organisation
        self.now = now
        self.random = random.Random(2026)
        self.summary = RhythmSummary()
        # The sales teams with a coordinator, then the Marketing Communication
        # department, whose lead heads and logs its stand-up (last, so the teams
        # before it keep their random draws).
        teams = list(organisation.teams.values())
        self.teams = [
            team for team in teams if team.kind == Team.Kind.SALES_MARKETING and team.coordinator_id
        ] + [team for team in teams if team.kind == Team.Kind.MARKETING_COMMUNICATION]
        self.leaders = {
            membership.team_id: membership.user
            for membership in Membership.objects.filter(
                team__in=self.teams, role=Membership.Role.LEADER
            ).select_related("user")
        }

    # --- stand-ups, actions, impediments -----------------------------------------

    def standups(self) -> None:
        for team in self.teams:
            if self._logger(team) is None:
                continue
            today = standup_services.team_today(team, self.now)
            people = team_people(team)
            days = _working_days(
                team, today - timedelta(days=DAYS_OF_HISTORY), today - timedelta(days=1)
            )
            for index, day in enumerate(days):
                self._standup(team, people, day, last=index == len(days) - 1)

    def escalations(self) -> None:
        """Two impediments the TC could not remove: one answered by the VSM, one waiting."""
        team = self.organisation.teams.get("Pumps Prospecting")
        if team is None:
            return
        vsm = team.value_streams.order_by("pk").first().vsm
        today = standup_services.team_today(team, self.now)
        raised = _local(team, today - timedelta(days=3), time(9, 10))
        for title, reason, answer in ESCALATIONS:
            impediment = standup_services.impediment_raise(
                actor=self.leaders[team.pk], team=team, title=title
            )
            Impediment.objects.filter(pk=impediment.pk).update(raised_at=raised)
            standup_services.impediment_escalate(
                actor=team.coordinator,
                impediment_id=impediment.pk,
                reason=reason,
                now=raised + timedelta(hours=2),
            )
            if answer:
                standup_services.impediment_answer(
                    actor=vsm,
                    impediment_id=impediment.pk,
                    answer=answer,
                    now=raised + timedelta(hours=6),
                )
            self.summary.impediments += 1
            self.summary.escalations += 1

    def _logger(self, team: Team):
        """Who logs the team's stand-up: its TC, or the department's lead."""
        return team.coordinator or self.leaders.get(team.pk)

    def _standup(self, team: Team, people, day: date, *, last: bool) -> None:
        coordinator = self._logger(team)
        start = _local(team, day, team.standup_time)
        standup = standup_services.standup_open_today(team=team, now=start - timedelta(minutes=30))
        standup_services.standup_start(actor=coordinator, standup_id=standup.pk, now=start)
        absent = self.random.choice([None, None, None, *people])
        standup_services.standup_attendance_set(
            actor=coordinator,
            standup_id=standup.pk,
            present={person.pk: person != absent for person in people},
        )
        standup_services.standup_notes_save(
            actor=coordinator, standup_id=standup.pk, notes=self.random.choice(STANDUP_NOTES)
        )
        if self.random.random() < 0.45 or last:
            self._action(team, people, standup, day, start)
        if self.random.random() < 0.18:
            self._impediment(team, people, standup, day, start)
        standup_services.standup_end(
            actor=coordinator, standup_id=standup.pk, now=start + timedelta(minutes=12)
        )
        Standup.objects.filter(pk=standup.pk).update(opened_at=start - timedelta(minutes=30))
        self.summary.standups += 1

    def _action(self, team, people, standup, day, start) -> None:
        due = day + timedelta(days=self.random.randint(1, 4))
        action = followup.action_create(
            actor=self._logger(team),
            team=team,
            title=self.random.choice(ACTIONS),
            owner=self.random.choice(people),
            due_date=due,
            source=Action.Source.STANDUP,
            standup=standup,
            now=start,
        )
        Action.objects.filter(pk=action.pk).update(created_at=start)
        finished = _local(team, due, time(16, 0))
        # Most actions are done by their due date; the rest show up overdue.
        if finished < self.now and self.random.random() < 0.8:
            followup.action_complete(actor=action.owner, action_id=action.pk, now=finished)
        self.summary.actions += 1

    def _impediment(self, team, people, standup, day, start) -> None:
        title, how = IMPEDIMENTS[self.summary.impediments % len(IMPEDIMENTS)]
        impediment = standup_services.impediment_raise(
            actor=self.random.choice(people), team=team, title=title, standup=standup
        )
        Impediment.objects.filter(pk=impediment.pk).update(raised_at=start)
        self.summary.impediments += 1
        removed_on = day + timedelta(days=self.random.randint(1, 4))
        if _local(team, removed_on, time(12, 0)) < self.now and self.random.random() < 0.7:
            standup_services.impediment_start(actor=self._logger(team), impediment_id=impediment.pk)
            standup_services.impediment_remove(
                actor=self._logger(team),
                impediment_id=impediment.pk,
                how=how,
                now=_local(team, removed_on, time(12, 0)),
            )


# --- improvement: the call-block standard, its cycles and control points -----------


def adoption_day(team: Team, today: date) -> date:
    """The day the adopted cycle's version of the call-block standard took effect."""
    day = today - timedelta(days=ADOPTED_DAYS_AGO)
    while day.isoweekday() not in team.working_days:
        day -= timedelta(days=1)
    return day


def _working_day_shift(team: Team, day: date, count: int) -> date:
    """The working day `count` working days after `day` (before it when `count` < 0)."""
    step = 1 if count > 0 else -1
    while count:
        day += timedelta(days=step)
        if day.isoweekday() in team.working_days:
            count -= step
    return day


def improvement_seed(
    *, organisation: DemoOrganisation, now: datetime | None = None
) -> ImprovementSummary | None:
    """Pumps Prospecting's call-block standard, changed by an adopted PDCA cycle, a second
    cycle in Check, and the team's control points; once.

    Build it before any checklist is issued (standard_work_seed does): the issuer then
    puts each version on the checklists of the days it was in effect.
    """
    team = organisation.teams.get(CALL_BLOCK_TEAM)
    if team is None or StandardWorkTemplate.objects.filter(name=CALL_BLOCK_STANDARD).exists():
        return None
    with transaction.atomic():
        builder = _Improvement(team, now or timezone.now())
        builder.build()
    return builder.summary


class _Improvement:
    """The team's improvement story, day by day, as it happened.

    The call block moves to the morning for a week's trial, the Check finds the
    connect rate up, and the coordinator adopts the morning block as version 2
    of the team's standard: in effect from the adoption day, which also starts
    the connect rate's new baseline.
    """

    def __init__(self, team: Team, now: datetime):
        self.team = team
        self.random = random.Random(2026)
        self.summary = ImprovementSummary()
        self.coordinator = team.coordinator
        self.leader = (
            Membership.objects.select_related("user")
            .get(team=team, role=Membership.Role.LEADER)
            .user
        )
        self.today = team_today(team, now)
        self.days = _working_days(
            team, self.today - timedelta(days=MEASURED_DAYS), self.today - timedelta(days=1)
        )
        self.adopted_on = adoption_day(team, self.today)
        self.summary.adopted_on = self.adopted_on
        # The cycle's Do moves the block a week before the Check; the morning calls
        # start the next working day.
        self.moved_on = _working_day_shift(team, self.adopted_on, -7)
        self.trial_from = _working_day_shift(team, self.moved_on, 1)
        # When each cycle's phase changes happened, in the order the services write them.
        self.moments: dict[int, list[datetime]] = {}
        self.entered: dict[int, datetime] = {}

    def _at(self, day: date, at: time) -> datetime:
        return _local(self.team, day, at)

    def build(self) -> None:
        team, adopted_on = self.team, self.adopted_on
        created = self._at(self.today - timedelta(days=STANDARD_DAYS_AGO), time(9, 0))
        self.standard = services.template_create(
            actor=self.coordinator,
            name=CALL_BLOCK_STANDARD,
            layer=Layer.TL,
            team=team,
            items=CALL_BLOCK_ITEMS,
            now=created,
        )
        StandardWorkTemplate.objects.filter(pk=self.standard.pk).update(created_at=created)
        TemplateVersion.objects.filter(template=self.standard).update(created_at=created)
        self.points = self._control_points(self._at(self.days[0], time(8, 0)))

        in_check_planned = self.today - timedelta(days=10)  # a Check nine days in
        while in_check_planned.isoweekday() not in team.working_days:
            in_check_planned -= timedelta(days=1)
        steps = [
            # The adopted cycle: planned, a week's trial of morning calls, checked, adopted.
            (_working_day_shift(team, adopted_on, -8), time(11, 0), self._plan),
            (self.moved_on, time(11, 0), self._do),
            (_working_day_shift(team, adopted_on, -1), time(14, 0), self._check),
            (_working_day_shift(team, adopted_on, -1), time(16, 30), self._act),
            (adopted_on, time(10, 0), self._adopt),
            # The cycle still in Check.
            (in_check_planned, time(11, 0), self._plan_no_shows),
            (_working_day_shift(team, in_check_planned, 1), time(11, 0), self._do_no_shows),
            (self.days[-1], time(15, 0), self._check_no_shows),
        ]
        for day in sorted(set(self.days) | {day for day, _, _ in steps}):
            for _, at, step in sorted(
                (step for step in steps if step[0] == day), key=lambda step: step[1]
            ):
                step(self._at(day, at))
            if day in self.days:
                self._measure(day)
        self._backdate()
        self.summary.cycles = 2

    # --- the adopted cycle ------------------------------------------------------------

    def _plan(self, at: datetime) -> None:
        self.adopted = cycle_services.cycle_start(
            actor=self.leader,
            team=self.team,
            title="Call in the morning to reach more engineers",
            problem="Connect rate on afternoon calls is around 12%.",
            hypothesis="Plant engineers are at their desks before 10:00.",
            target="Connect rate of 20% or more for a week",
            stage="identification",
            standard=self.standard,
            now=at,
        )
        self.moments[self.adopted.pk] = [at]
        connect = self.points["Connect rate"]
        connect.cycle = self.adopted
        connect.save(update_fields=["cycle"])

    def _do(self, at: datetime) -> None:
        cycle_services.cycle_do(
            actor=self.leader,
            cycle_id=self.adopted.pk,
            actions=[
                cycle_services.ActionSpec(
                    "Move the call block to 08:00-10:00 for a week", self.leader, at.date()
                )
            ],
            now=at,
        )
        self.moments[self.adopted.pk].append(at)
        for action in Action.objects.filter(cycle=self.adopted):
            Action.objects.filter(pk=action.pk).update(created_at=at)
            followup.action_complete(
                actor=action.owner, action_id=action.pk, now=self._at(at.date(), time(16, 0))
            )

    def _check(self, at: datetime) -> None:
        cycle_services.cycle_check(
            actor=self.leader,
            cycle_id=self.adopted.pk,
            check_result="Connect rate rose from 12% to 21% over a week of morning calls.",
            now=at,
        )
        self.moments[self.adopted.pk].append(at)

    def _act(self, at: datetime) -> None:
        cycle_services.cycle_act(
            actor=self.leader, cycle_id=self.adopted.pk, note="Adopt the morning block", now=at
        )
        self.moments[self.adopted.pk].append(at)

    def _adopt(self, at: datetime) -> None:
        version = cycle_services.cycle_adopt(
            actor=self.coordinator,
            cycle_id=self.adopted.pk,
            now=at,
            items=ADOPTED_CALL_BLOCK_ITEMS,
        )
        self.moments[self.adopted.pk].append(at)
        TemplateVersion.objects.filter(pk=version.pk).update(created_at=at)
        ControlPointBaseline.objects.filter(cycle=self.adopted).update(created_at=at)

    # --- the cycle in Check -----------------------------------------------------------

    def _plan_no_shows(self, at: datetime) -> None:
        self.in_check = cycle_services.cycle_start(
            actor=self.leader,
            team=self.team,
            title="Fewer no-shows for booked meetings",
            problem="One booked meeting in four does not happen.",
            hypothesis="A reminder call the day before keeps the slot.",
            target="No-show rate under 10%",
            stage="identification",
            now=at,
        )
        self.moments[self.in_check.pk] = [at]

    def _do_no_shows(self, at: datetime) -> None:
        cycle_services.cycle_do(
            actor=self.leader,
            cycle_id=self.in_check.pk,
            actions=[
                cycle_services.ActionSpec(
                    "Call every booked prospect the day before", self.leader, self.today
                )
            ],
            now=at,
        )
        self.moments[self.in_check.pk].append(at)
        Action.objects.filter(cycle=self.in_check).update(created_at=at)

    def _check_no_shows(self, at: datetime) -> None:
        cycle_services.cycle_check(
            actor=self.leader,
            cycle_id=self.in_check.pk,
            check_result="Nine days in: 2 no-shows out of 14 meetings; keep measuring.",
            now=at,
        )
        self.moments[self.in_check.pk].append(at)

    # --- control points ---------------------------------------------------------------

    def _control_points(self, created: datetime) -> dict[str, ControlPoint]:
        coordinator, team = self.coordinator, self.team
        points = [
            cycle_services.control_point_create(
                actor=coordinator, team=team, name="Calls per day", unit="calls",
                target=Decimal(55), lower_limit=Decimal(30), upper_limit=Decimal(90),
            ),
            cycle_services.control_point_create(
                actor=coordinator, team=team, name="Connect rate", unit="%", target=Decimal(20),
            ),
            cycle_services.control_point_create(
                actor=coordinator, team=team, name="Meetings booked", unit="meetings",
                target=Decimal(3),
            ),
        ]  # fmt: skip
        # Watched since before the history's first day, so its values need no confirmation.
        ControlPoint.objects.filter(pk__in=[point.pk for point in points]).update(
            created_at=created
        )
        return {point.name: point for point in points}

    def _measure(self, day: date) -> None:
        """The day's values, entered at the end of the day; the morning calls from the trial."""
        morning = day >= self.trial_from
        values = {
            "Calls per day": self.random.randint(48, 66),
            "Connect rate": self.random.randint(18, 24) if morning else self.random.randint(10, 14),
            "Meetings booked": self.random.randint(2, 5) if morning else self.random.randint(1, 3),
        }
        if day == self.days[-1]:
            values["Calls per day"] = 22  # dialler outage: below the set limit, on the agenda
        at = self._at(day, time(18, 0))
        for name, value in values.items():
            measurement = cycle_services.measurement_record(
                actor=self.coordinator,
                control_point_id=self.points[name].pk,
                value=Decimal(value),
                measured_on=day,
                now=at,
            )
            self.entered[measurement.pk] = at
            self.summary.measurements += 1

    # --- timestamps -------------------------------------------------------------------

    def _backdate(self) -> None:
        """Give the cycles and values the times they happened at, not the seed's seconds.

        Their history (CycleEvent) has its times already: the services stamp each move
        with its `now`, and history rows are never updated.
        """
        for cycle_id, moments in self.moments.items():
            Cycle.objects.filter(pk=cycle_id).update(created_at=moments[0])
        measurements = list(Measurement.objects.filter(pk__in=self.entered).only("pk"))
        for measurement in measurements:
            measurement.entered_at = self.entered[measurement.pk]
        Measurement.objects.bulk_update(measurements, ["entered_at"])
        # A flagged value told the coordinator the evening it was entered.
        notices = list(
            Notice.objects.filter(recipient=self.coordinator, kind=Notice.Kind.CONTROL_POINT)
        )
        for notice in notices:
            notice.created_at = self._at(notice.date, time(18, 0))
        Notice.objects.bulk_update(notices, ["created_at"])
