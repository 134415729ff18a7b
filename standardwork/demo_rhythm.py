"""The demo's daily accountability rhythm and improvement work, on top of the
organisation (roles.demo) and its standard work (standardwork.demo):

- four weeks of stand-ups for every sales and marketing team, with attendance,
  notes, actions (most done, a few overdue) and impediments (most removed,
  one escalated and answered by the VSM, one escalation still waiting);
- for Pumps Prospecting, a team-scoped standard for its call block, two PDCA
  cycles (one adopted, which made version 2 of that standard; one in Check)
  and control points with enough measurements for meaningful XmR charts.

Everything is written through the services, as of the day it happened (their
`now=`); the timestamps the database stamps itself are moved back afterwards.
Built once: nothing happens when a stand-up already exists.
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
from standardwork.models import (
    Action,
    Cycle,
    CycleEvent,
    Impediment,
    Measurement,
    Standup,
)
from standardwork.services import cycles as cycle_services
from standardwork.services import followup
from standardwork.services import standups as standup_services
from standardwork.services import templates as services
from standardwork.services.templates import ItemSpec

DAYS_OF_HISTORY = 28
CALL_BLOCK_STANDARD = "Pumps Prospecting call block"

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
    cycles: int = 0
    measurements: int = 0


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
    """Build the demo's stand-ups, impediments, actions, cycles and control points, once."""
    if Standup.objects.exists():
        return None
    now = now or timezone.now()
    with transaction.atomic():
        builder = _Rhythm(organisation, now)
        builder.standups()
        builder.escalations()
        builder.improvement()
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
            team
            for team in teams
            if team.kind == Team.Kind.SALES_MARKETING and team.coordinator_id
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

    # --- improvement: cycles and control points ------------------------------------

    def improvement(self) -> None:
        team = self.organisation.teams.get("Pumps Prospecting")
        if team is None:
            return
        leader = self.leaders[team.pk]
        coordinator = team.coordinator
        standard = services.template_create(
            actor=coordinator,
            name=CALL_BLOCK_STANDARD,
            layer=Layer.TL,
            team=team,
            items=[
                ItemSpec("Protect the team's call block 13:00-15:00", expected_minutes=5),
                ItemSpec("Check the call list is loaded before the block", expected_minutes=10),
            ],
        )
        today = standup_services.team_today(team, self.now)
        started = _local(team, today - timedelta(days=27), time(11, 0))
        connect_rate = self._control_points(team, coordinator, today)

        adopted = cycle_services.cycle_start(
            actor=leader,
            team=team,
            title="Call in the morning to reach more engineers",
            problem="Connect rate on afternoon calls is around 12%.",
            hypothesis="Plant engineers are at their desks before 10:00.",
            target="Connect rate of 20% or more for two weeks",
            stage="identification",
            standard=standard,
        )
        cycle_services.cycle_do(
            actor=leader,
            cycle_id=adopted.pk,
            actions=[
                cycle_services.ActionSpec(
                    "Move the call block to 08:00-10:00 for two weeks",
                    leader,
                    started.date() + timedelta(days=1),
                )
            ],
            now=started,
        )
        for action in Action.objects.filter(cycle=adopted):
            followup.action_complete(
                actor=action.owner,
                action_id=action.pk,
                now=_local(team, action.due_date, time(16, 0)),
            )
        connect_rate.cycle = adopted
        connect_rate.save(update_fields=["cycle"])
        cycle_services.cycle_check(
            actor=leader,
            cycle_id=adopted.pk,
            check_result="Connect rate rose from 12% to 21% over two weeks of morning calls.",
        )
        cycle_services.cycle_act(actor=leader, cycle_id=adopted.pk, note="Adopt the morning block")
        cycle_services.cycle_adopt(
            actor=coordinator,
            cycle_id=adopted.pk,
            now=started + timedelta(days=14),
            items=[
                ItemSpec("Protect the team's call block 08:00-10:00", expected_minutes=5),
                ItemSpec("Check the call list is loaded the evening before", expected_minutes=10),
            ],
        )
        self._backdate(adopted, started, days=14)

        in_check = cycle_services.cycle_start(
            actor=leader,
            team=team,
            title="Fewer no-shows for booked meetings",
            problem="One booked meeting in four does not happen.",
            hypothesis="A reminder call the day before keeps the slot.",
            target="No-show rate under 10%",
            stage="identification",
        )
        cycle_services.cycle_do(
            actor=leader,
            cycle_id=in_check.pk,
            actions=[
                cycle_services.ActionSpec(
                    "Call every booked prospect the day before", leader, today
                )
            ],
            now=self.now,
        )
        cycle_services.cycle_check(
            actor=leader,
            cycle_id=in_check.pk,
            check_result="Nine days in: 2 no-shows out of 14 meetings; keep measuring.",
        )
        self._backdate(in_check, _local(team, today - timedelta(days=10), time(11, 0)), days=3)
        self.summary.cycles = 2

    def _control_points(self, team, coordinator, today):
        calls = cycle_services.control_point_create(
            actor=coordinator, team=team, name="Calls per day", unit="calls",
            target=Decimal(55), lower_limit=Decimal(30), upper_limit=Decimal(90),
        )  # fmt: skip
        connect = cycle_services.control_point_create(
            actor=coordinator, team=team, name="Connect rate", unit="%", target=Decimal(20),
        )  # fmt: skip
        meetings = cycle_services.control_point_create(
            actor=coordinator, team=team, name="Meetings booked", unit="meetings",
            target=Decimal(3),
        )  # fmt: skip
        days = _working_days(
            team, today - timedelta(days=DAYS_OF_HISTORY), today - timedelta(days=1)
        )
        for index, day in enumerate(days):
            morning = index >= len(days) // 2  # the adopted cycle moved calls to the morning
            values = {
                calls: Decimal(self.random.randint(48, 66)),
                connect: Decimal(
                    self.random.randint(18, 24) if morning else self.random.randint(10, 14)
                ),
                meetings: Decimal(
                    self.random.randint(2, 5) if morning else self.random.randint(1, 3)
                ),
            }
            if index == len(days) - 1:
                values[calls] = Decimal(22)  # dialler outage: below the set limit, on the agenda
            for control_point, value in values.items():
                cycle_services.measurement_record(
                    actor=coordinator,
                    control_point_id=control_point.pk,
                    value=value,
                    measured_on=day,
                    confirm_date=True,  # four weeks of history, entered on the seed's day
                    now=_local(team, day, time(18, 0)),
                )
                self.summary.measurements += 1
        Measurement.objects.filter(control_point__team=team).update(entered_at=self.now)
        return connect

    def _backdate(self, cycle: Cycle, started: datetime, *, days: int) -> None:
        """Spread the cycle's history over the days it took, not the seconds of the seed."""
        events = list(CycleEvent.objects.filter(cycle=cycle).order_by("pk"))
        last = max(len(events) - 1, 1)
        for index, event in enumerate(events):
            # Whole days, at the same hour: the last step lands on the closing day.
            offset = timedelta(days=round(days * index / last))
            CycleEvent.objects.filter(pk=event.pk).update(at=started + offset)
        Cycle.objects.filter(pk=cycle.pk).update(created_at=started)
        Cycle.objects.filter(pk=cycle.pk, closed_at__isnull=False).update(
            closed_at=started + timedelta(days=days)
        )
