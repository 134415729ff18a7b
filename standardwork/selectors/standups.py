"""Reads for the stand-up page, the impediment boards, the VSM's escalations
and the owner's actions.

Each selector answers its page in a fixed number of queries, however many
past stand-ups, impediments and actions the team has: rows are filtered to
what is live in the database, and the team's people and value streams are
prefetched once, so roles.policy answers every row without a query.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import dateformat, timezone

from leanops.base.baked import baked, prefetched
from roles import policy as organisation
from roles.models import Membership, Team, User, ValueStream
from roles.selectors import MEMBERSHIP_ORDER, team_people, team_with_people, teams_with_people
from standardwork import calendar, policy
from standardwork.calendar import team_today
from standardwork.models import (
    Action,
    Check,
    Checklist,
    Impediment,
    Measurement,
    Standup,
    StandupAttendance,
    TemplateItem,
)

# Tier 1: fifteen minutes or less.
STANDUP_MINUTES = 15
# Without an earlier stand-up, the agenda shows signals from this far back.
SIGNALS_LOOKBACK = timedelta(days=7)
# How many removed impediments and answered escalations a board keeps showing.
RECENTLY_CLOSED = 20
# The stand-up's agenda shows this many actions due and open impediments (the
# oldest first) unless asked for all: a 15-minute stand-up cannot go through
# more, and the page stays the same size however much is left open.
AGENDA_SHOWN = 8
HISTORY_PAGE_SIZE = 20


def _teams(viewer: User) -> QuerySet[Team]:
    """Teams `viewer` may see, with what the policy and the pages read from them.

    Every kind: the Marketing Communication department holds its stand-up too.
    """
    return (
        organisation.visible_teams(viewer)
        .select_related("coordinator")
        .prefetch_related(*_team_prefetches())
    )


# How a team's value streams are listed when prefetched here (its people in the
# order roles.selectors lists them).
VALUE_STREAM_ORDER = ("name",)


def _team_prefetches(prefix: str = "") -> list[Prefetch]:
    return [
        Prefetch(
            f"{prefix}memberships",
            queryset=Membership.objects.select_related("user").order_by(*MEMBERSHIP_ORDER),
        ),
        Prefetch(
            f"{prefix}value_streams",
            queryset=ValueStream.objects.select_related("vsm").order_by(*VALUE_STREAM_ORDER),
        ),
    ]


def visible_team(*, viewer: User, team_id: int) -> Team | None:
    """A team (or the MC department) `viewer` may see, with its people and value streams."""
    return _teams(viewer).filter(pk=team_id).first()


def escalation_targets(team: Team) -> list[tuple[User, ValueStream]]:
    """The VSMs a team's impediment can go to: one per value stream it serves, once each."""
    targets: dict[int, tuple[User, ValueStream]] = {}
    for value_stream in sorted(team.value_streams.all(), key=lambda vs: vs.name):
        targets.setdefault(value_stream.vsm_id, (value_stream.vsm, value_stream))
    return list(targets.values())


def day_text(day: date | datetime, *, this_year: int) -> str:
    """A day as the pages show it: "Mon 7 Dec", with its year when not `this_year`.

    Computed once per row here rather than by an include per date in the row
    templates (an include costs a template render each). A datetime is given
    already in the zone it is shown in.
    """
    return dateformat.format(day, "D j M" if day.year == this_year else "D j M Y")


def previous_working_day(day: date, working_days) -> date:
    """The last working day before `day` (a week back at most)."""
    for back in range(1, 8):
        earlier = day - timedelta(days=back)
        if earlier.isoweekday() in working_days:
            return earlier
    return day - timedelta(days=1)


# --- impediments --------------------------------------------------------------


def _impediments() -> QuerySet[Impediment]:
    return Impediment.objects.select_related(
        "raised_by", "removed_by", "escalated_by", "escalated_to", "answered_by"
    )


def decorate_impediments(
    impediments: list[Impediment], *, viewer: User, teams: dict[int, Team], now: datetime
) -> list[Impediment]:
    """Age in days (the team's calendar) and what `viewer` may do, set on each row.

    `teams` are the prefetched teams the rows belong to; with them every
    policy answer below is free.
    """
    for impediment in impediments:
        team = teams[impediment.team_id]
        impediment.team = team
        today = team_today(team, now)
        raised_on = calendar.local_date(impediment.raised_at, team.time_zone)
        impediment.age_days = (today - raised_on).days
        # The card's dates, in the team's calendar (the card renders no time zone tag).
        impediment.raised_text = day_text(raised_on, this_year=today.year)
        for moment, attribute in (
            (impediment.removed_at, "removed_text"),
            (impediment.escalated_at, "escalated_text"),
            (impediment.answered_at, "answered_text"),
        ):
            setattr(
                impediment,
                attribute,
                day_text(calendar.local_date(moment, team.time_zone), this_year=today.year)
                if moment
                else "",
            )
        is_removed = impediment.state == Impediment.State.REMOVED
        impediment.can_change = not is_removed and policy.can_change_impediment(viewer, impediment)
        impediment.can_escalate = (
            not is_removed
            and impediment.escalated_at is None
            and policy.can_escalate_impediment(viewer, impediment)
        )
        impediment.can_answer = (
            impediment.escalated_at is not None
            and impediment.answered_at is None
            and policy.can_answer_escalation(viewer, impediment)
        )
        impediment.escalation_targets = escalation_targets(team) if impediment.can_escalate else []
        # What a refused change left on the card (the view sets them): present on every
        # card, because a missing attribute makes the template engine run dir() on the
        # model instance at each lookup.
        impediment.errors = {}
        impediment.values = {}
    return impediments


def impediment_card(*, viewer: User, impediment_id: int) -> Impediment | None:
    """One impediment of a team `viewer` may see, ready for its card; else None."""
    impediment = (
        _impediments()
        .filter(pk=impediment_id, team__in=organisation.visible_teams(viewer))
        .select_related("team", "team__coordinator")
        .prefetch_related(*_team_prefetches("team__"))
        .first()
    )
    if impediment is None:
        return None
    teams = {impediment.team_id: impediment.team}
    return decorate_impediments([impediment], viewer=viewer, teams=teams, now=timezone.now())[0]


@dataclass
class TeamBoard:
    team: Team
    active: list[Impediment]
    removed: list[Impediment]
    today: date


def team_impediment_board(
    *, viewer: User, team_id: int, now: datetime | None = None
) -> TeamBoard | None:
    """The team's open and in-progress impediments, oldest first, and the last removed."""
    team = visible_team(viewer=viewer, team_id=team_id)
    if team is None:
        return None
    now = now or timezone.now()
    teams = {team.pk: team}
    active = list(
        _impediments()
        .filter(team=team)
        .exclude(state=Impediment.State.REMOVED)
        .order_by("raised_at", "pk")
    )
    removed = list(
        _impediments()
        .filter(team=team, state=Impediment.State.REMOVED)
        .order_by("-removed_at", "-pk")[:RECENTLY_CLOSED]
    )
    return TeamBoard(
        team=team,
        active=decorate_impediments(active, viewer=viewer, teams=teams, now=now),
        removed=decorate_impediments(removed, viewer=viewer, teams=teams, now=now),
        today=team_today(team, now),
    )


@dataclass
class CoordinatorBoard:
    teams: list[Team]  # each with `open_impediments` (its count) and `more_impediments`
    impediments: list[Impediment]  # shown: the AGENDA_SHOWN oldest of each team

    def by_team(self) -> list[tuple[Team, list[Impediment]]]:
        return [
            (team, [i for i in self.impediments if i.team_id == team.pk]) for team in self.teams
        ]


# The coordinator's board: their teams (a coordinator sees the teams they coordinate,
# roles.policy.visible_teams; a superuser every team), compiled once (leanops.base.baked).
_every_team = baked(lambda: Team.objects.select_related("coordinator").order_by("name"))
_coordinated_teams = baked(
    lambda coordinator_id: (
        Team.objects.filter(coordinator_id=coordinator_id)
        .select_related("coordinator")
        .order_by("name")
    )
)
# The coordinator's board asks it on every request: compiled once per number of
# teams (leanops.base.baked).
_oldest_open_impediments = baked(
    lambda team_ids: (
        _impediments()
        .filter(team_id__in=team_ids)
        .exclude(state=Impediment.State.REMOVED)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("team_id")], order_by=["raised_at", "pk"]),
            team_open=Window(Count("pk"), partition_by=[F("team_id")]),
        )
        .filter(rank__lte=AGENDA_SHOWN)
        .order_by("raised_at", "pk")
    )
)


def coordinator_impediment_board(*, viewer: User, now: datetime | None = None) -> CoordinatorBoard:
    """The open and in-progress impediments of the teams `viewer` coordinates, by team:
    the AGENDA_SHOWN oldest of each (the rest are on the team's board) and each
    team's count, so the board keeps its size however many teams leave open."""
    if viewer.is_superuser:
        teams = teams_with_people(_every_team())
    else:
        teams = teams_with_people(_coordinated_teams(coordinator_id=viewer.pk))
    by_id = {team.pk: team for team in teams}
    impediments = _oldest_open_impediments(team_ids=list(by_id))
    counts = {impediment.team_id: impediment.team_open for impediment in impediments}
    for team in teams:
        team.open_impediments = counts.get(team.pk, 0)
        team.more_impediments = max(0, team.open_impediments - AGENDA_SHOWN)
    return CoordinatorBoard(
        teams=teams,
        impediments=decorate_impediments(
            impediments, viewer=viewer, teams=by_id, now=now or timezone.now()
        ),
    )


@dataclass
class Escalations:
    waiting: list[Impediment]
    answered: list[Impediment]


def vsm_escalations(*, viewer: User, now: datetime | None = None) -> Escalations:
    """Impediments escalated to `viewer`, or from teams of value streams `viewer` manages.

    Waiting for an answer first (oldest first), then the latest answered.
    """
    now = now or timezone.now()
    escalated = (
        _impediments()
        .filter(escalated_at__isnull=False)
        .filter(
            Q(escalated_to=viewer)
            | Q(team__in=Team.objects.filter(value_streams__vsm=viewer).values("pk"))
        )
        .select_related("team", "team__coordinator")
    )
    waiting = list(escalated.filter(answered_at__isnull=True).order_by("escalated_at", "pk"))
    answered = list(
        escalated.filter(answered_at__isnull=False).order_by("-answered_at", "-pk")[
            :RECENTLY_CLOSED
        ]
    )
    rows = [*waiting, *answered]
    # One prefetch for both lists, so the count is the same whichever is empty.
    prefetch_related_objects([row.team for row in rows], *_team_prefetches())
    teams = {impediment.team_id: impediment.team for impediment in rows}
    decorate_impediments(rows, viewer=viewer, teams=teams, now=now)
    return Escalations(waiting=waiting, answered=answered)


# --- actions ------------------------------------------------------------------


def mark_overdue(actions: list[Action], *, today: date) -> list[Action]:
    """Overdue on `today`, and the due date as the row shows it."""
    for action in actions:
        action.overdue = action.is_overdue(today)
        action.due_text = day_text(action.due_date, this_year=today.year)
    return actions


def _with_owner_zone(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Each action with its owner's time zone, in the same query.

    The owner's zone is the one their standard work is issued in (their latest
    checklist's, as roles.selectors.person_places decided it), else the team's.
    """
    latest = Checklist.objects.filter(owner=OuterRef("owner")).order_by("-date")
    return actions.annotate(
        owner_zone=Coalesce(Subquery(latest.values("time_zone")[:1]), F("team__time_zone"))
    )


def mark_overdue_for_owner(actions: list[Action], *, now: datetime) -> list[Action]:
    """Overdue when not done by the owner's own today (a `_with_owner_zone` row)."""
    for action in actions:
        today = calendar.local_date(now, action.owner_zone)
        action.overdue = action.is_overdue(today)
        action.due_text = day_text(action.due_date, this_year=today.year)
    return actions


def my_actions(*, user: User, now: datetime | None = None) -> list[Action]:
    """`user`'s open actions, soonest due first, overdue ones marked; in one query."""
    actions = list(
        _with_owner_zone(Action.objects.filter(owner=user, done_at__isnull=True))
        .select_related("team")
        .order_by("due_date", "pk")
    )
    for action in actions:
        action.can_complete = True  # the owner's own
    return mark_overdue_for_owner(actions, now=now or timezone.now())


def action_row(*, viewer: User, action_id: int, now: datetime | None = None) -> Action | None:
    """One action of a team `viewer` may see, with what its row shows."""
    action = (
        _with_owner_zone(
            Action.objects.filter(pk=action_id, team__in=organisation.visible_teams(viewer))
        )
        .select_related("team", "owner", "done_by")
        .prefetch_related(*_team_prefetches("team__"))
        .first()
    )
    if action is not None:
        action.can_complete = policy.can_complete_action(viewer, action)
        mark_overdue_for_owner([action], now=now or timezone.now())
    return action


# --- the stand-up -------------------------------------------------------------


@dataclass
class OutOfLimits:
    """A control point with the measurements flagged since the previous stand-up."""

    control_point: object
    measurements: list[Measurement] = field(default_factory=list)


@dataclass
class StandupPage:
    standup: Standup
    team: Team
    today: date
    people: list[User]
    actions_due: list[Action]
    actions_new: list[Action]
    impediments: list[Impediment]
    actions_due_hidden: int
    impediments_hidden: int
    out_of_limits: list[OutOfLimits]
    misses: list[Check]
    previous_day: date
    signals_since: date
    can_log: bool
    can_raise: bool

    @property
    def leader(self) -> User | None:
        for membership in self.team.memberships.all():
            if membership.role == Membership.Role.LEADER:
                return membership.user
        return None

    @property
    def leader_title(self) -> str:
        """Who heads it: the Team Leader, or the Marketing Communication department's lead."""
        return "Department lead" if self.team.is_marketing_communication else "Team Leader"

    @property
    def no_leader_text(self) -> str:
        return "no department lead" if self.team.is_marketing_communication else "no Team Leader"

    @property
    def minutes(self) -> int:
        return STANDUP_MINUTES

    @property
    def date_text(self) -> str:
        return day_text(self.standup.date, this_year=self.today.year)

    @property
    def signals_since_text(self) -> str:
        return day_text(self.signals_since, this_year=self.today.year)

    @property
    def previous_day_text(self) -> str:
        return day_text(self.previous_day, this_year=self.today.year)

    @property
    def present_count(self) -> int:
        return sum(person.present is True for person in self.people)

    @property
    def is_today(self) -> bool:
        return self.standup.date == self.today

    @property
    def ends_at(self) -> datetime | None:
        started = self.standup.started_at
        return started + timedelta(minutes=STANDUP_MINUTES) if started else None

    @property
    def took_minutes(self) -> int | None:
        """How long an ended stand-up took, in whole minutes."""
        standup = self.standup
        if standup.ended_at is None or standup.started_at is None:
            return None
        return round((standup.ended_at - standup.started_at).total_seconds() / 60)

    @property
    def over_time(self) -> bool:
        return self.took_minutes is not None and self.took_minutes > STANDUP_MINUTES

    def timer_text(self, now: datetime) -> str:
        """The countdown as the page first shows it; static/js/standup_timer.js keeps it going."""
        if self.ends_at is None:
            return f"{STANDUP_MINUTES}:00"
        seconds = int((self.ends_at - now).total_seconds())
        sign, seconds = ("+" if seconds < 0 else ""), abs(seconds)
        return f"{sign}{seconds // 60}:{seconds % 60:02d}"


def _is_missed(check: Check, today: date) -> bool:
    """Missed, or left open: a weekly or monthly item still in its period is not missed yet."""
    if check.status == Check.Status.MISSED:
        return True
    return check.item.cadence == TemplateItem.Cadence.DAILY or not calendar.same_period(
        check.item.cadence, check.checklist.date, today
    )


# The stand-up page, asked on every request: compiled once each (leanops.base.baked).
# The stand-up itself, if the viewer may see its team (roles.policy.visible_teams:
# everyone's for a superuser); its team's people, value streams and attendance, as
# _teams' prefetches read them.
_STANDUP_RELATED = ("team", "team__coordinator", "logged_by")
_any_standup = baked(
    lambda standup_id: (
        Standup.objects.filter(pk=standup_id).select_related(*_STANDUP_RELATED).order_by("pk")[:1]
    )
)
_standup_seen_by = baked(
    lambda standup_id, viewer_id: (
        Standup.objects.filter(pk=standup_id, team__in=organisation.visible_team_ids(viewer_id))
        .select_related(*_STANDUP_RELATED)
        .order_by("pk")[:1]
    )
)
_attendance = baked(
    lambda standup_id: StandupAttendance.objects.filter(standup_id=standup_id).only(
        "standup_id", "person_id", "present"
    )
)
_agenda_actions = baked(
    lambda team_id, day, standup_id: (
        Action.objects.filter(
            Q(team_id=team_id, done_at__isnull=True, due_date__lte=day) | Q(standup_id=standup_id)
        )
        .select_related("owner", "done_by")
        .order_by("due_date", "pk")
    )
)
_agenda_impediments = baked(
    lambda team_id, standup_id: (
        _impediments()
        .filter(team_id=team_id)
        .filter(~Q(state=Impediment.State.REMOVED) | Q(standup_id=standup_id))
        .order_by("raised_at", "pk")
    )
)
_previous_standup_day = baked(
    lambda team_id, day: (
        Standup.objects.filter(team_id=team_id, date__lt=day)
        .order_by("-date")
        .values_list("date", flat=True)[:1]
    )
)
_signals = baked(
    lambda team_id, since, day: (
        Measurement.objects.filter(
            control_point__team_id=team_id,
            control_point__is_active=True,
            out_of_limits=True,
            measured_on__gte=since,
            measured_on__lte=day,
        )
        .select_related("control_point")
        .order_by("control_point__name", "measured_on", "pk")
    )
)
_left_checks = baked(
    lambda owner_ids, day: (
        Check.objects.filter(
            checklist__owner_id__in=owner_ids,
            checklist__date=day,
            status__in=[Check.Status.MISSED, Check.Status.OPEN],
        )
        .select_related("checklist", "checklist__owner", "item", "miss_reason")
        .order_by("position", "pk")
    )
)


def standup_page(
    *, viewer: User, standup_id: int, now: datetime | None = None, show_all: bool = False
) -> StandupPage | None:
    """The stand-up's agenda from live data, and its log, in nine queries.

    Unless `show_all`, the actions due and the open impediments stop at the
    AGENDA_SHOWN oldest, the page saying how many more there are (what this
    stand-up gave or raised is always shown).

    - actions: open and due on or before the stand-up's date (red when overdue),
      and, apart, those given in this stand-up;
    - impediments: every one of the team not yet removed, with its age;
    - control points: measurements flagged out of limits since the previous
      stand-up (or SIGNALS_LOOKBACK without one);
    - misses: the previous working day's checks of the TL and members that were
      missed or left open.
    """
    now = now or timezone.now()
    if not viewer.is_authenticated:
        return None
    if viewer.is_superuser:
        found = _any_standup(standup_id=standup_id)
    else:
        found = _standup_seen_by(standup_id=standup_id, viewer_id=viewer.pk)
    if not found:
        return None
    standup = found[0]
    team = standup.team
    # What _teams' prefetches give the other pages, read by baked queries too.
    team_with_people(team)
    prefetched(standup, "attendance", _attendance(standup_id=standup.pk))
    today = team_today(team, now)
    people = team_people(team)
    attendance = {row.person_id: row.present for row in standup.attendance.all()}
    for person in people:
        person.present = attendance.get(person.pk)

    actions = _agenda_actions(team_id=team.pk, day=standup.date, standup_id=standup.pk)
    # An action given in this stand-up is listed once, as new, even when due today.
    actions_new = [action for action in actions if action.standup_id == standup.pk]
    actions_due = [action for action in actions if action.standup_id != standup.pk]
    actions_due_hidden = 0 if show_all else max(0, len(actions_due) - AGENDA_SHOWN)
    if actions_due_hidden:
        actions_due = actions_due[:AGENDA_SHOWN]
    actions = [*actions_due, *actions_new]
    can_log = policy.can_log_standup(viewer, team)
    for action in actions:
        action.team = team
        action.can_complete = action.owner_id == viewer.pk or can_log
    mark_overdue(actions, today=standup.date)

    impediments = _agenda_impediments(team_id=team.pk, standup_id=standup.pk)
    impediments_hidden = 0
    if not show_all:
        kept = [
            impediment
            for n, impediment in enumerate(impediments)
            if n < AGENDA_SHOWN or impediment.standup_id == standup.pk
        ]
        impediments_hidden = len(impediments) - len(kept)
        impediments = kept
    decorate_impediments(impediments, viewer=viewer, teams={team.pk: team}, now=now)

    previous = next(iter(_previous_standup_day(team_id=team.pk, day=standup.date)), None)
    since = previous or standup.date - SIGNALS_LOOKBACK
    out_of_limits: dict[int, OutOfLimits] = {}
    for measurement in _signals(team_id=team.pk, since=since, day=standup.date):
        measurement.day_text = day_text(measurement.measured_on, this_year=today.year)
        out_of_limits.setdefault(
            measurement.control_point_id, OutOfLimits(measurement.control_point)
        ).measurements.append(measurement)

    previous_day = previous_working_day(standup.date, team.working_days)
    checks = _left_checks(owner_ids=[person.pk for person in people], day=previous_day)
    # In the order people stand: the TL first, then the members.
    order = {person.pk: n for n, person in enumerate(people)}
    checks = sorted(checks, key=lambda check: order[check.checklist.owner_id])
    return StandupPage(
        standup=standup,
        team=team,
        today=today,
        people=people,
        actions_due=actions_due,
        actions_new=actions_new,
        impediments=impediments,
        actions_due_hidden=actions_due_hidden,
        impediments_hidden=impediments_hidden,
        out_of_limits=list(out_of_limits.values()),
        misses=[check for check in checks if _is_missed(check, standup.date)],
        previous_day=previous_day,
        signals_since=since,
        can_log=can_log,
        can_raise=policy.can_raise_impediment(viewer, team),
    )


# --- lists --------------------------------------------------------------------


@dataclass
class TeamStandup:
    team: Team
    today: date
    standup: Standup | None
    open_impediments: int

    @property
    def works_today(self) -> bool:
        return self.today.isoweekday() in self.team.working_days


def my_standup_teams(*, viewer: User, now: datetime | None = None) -> list[TeamStandup]:
    """The teams whose stand-up `viewer` logs (as TC or TL), with today's, in two queries."""
    now = now or timezone.now()
    teams = Team.objects.all()
    if not viewer.is_superuser:
        teams = teams.filter(
            Q(coordinator=viewer)
            | Q(memberships__user=viewer, memberships__role=Membership.Role.LEADER)
        ).distinct()
    teams = list(
        teams.annotate(
            open_impediments=Count(
                "impediments",
                filter=~Q(impediments__state=Impediment.State.REMOVED),
                distinct=True,
            )
        ).order_by("name")
    )
    todays = {team.pk: team_today(team, now) for team in teams}
    standups = {
        (standup.team_id, standup.date): standup
        for standup in Standup.objects.filter(
            team_id__in=list(todays), date__in=set(todays.values())
        )
    }
    return [
        TeamStandup(
            team=team,
            today=todays[team.pk],
            standup=standups.get((team.pk, todays[team.pk])),
            open_impediments=team.open_impediments,
        )
        for team in teams
    ]


def _count(queryset: QuerySet) -> Subquery:
    return Coalesce(
        Subquery(
            queryset.order_by().values("standup_id").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def standup_history(*, team: Team) -> QuerySet[Standup]:
    """Past and today's stand-ups, newest first, with what each one logged (paginate it)."""
    return (
        Standup.objects.filter(team=team)
        .select_related("logged_by")
        .annotate(
            present=_count(StandupAttendance.objects.filter(standup=OuterRef("pk"), present=True)),
            recorded=_count(StandupAttendance.objects.filter(standup=OuterRef("pk"))),
            actions_given=_count(Action.objects.filter(standup=OuterRef("pk"))),
            impediments_raised=_count(Impediment.objects.filter(standup=OuterRef("pk"))),
        )
        .order_by("-date")
    )


@dataclass
class StandupHistory:
    team: Team
    standups: Page
    people_count: int
    today: date

    @property
    def works_today(self) -> bool:
        return self.today.isoweekday() in self.team.working_days


def standup_history_page(
    *, viewer: User, team_id: int, page: str | int | None = None, now: datetime | None = None
) -> StandupHistory | None:
    """One page of a team `viewer` may see's stand-up history; None for any other team.

    A page number that is not one (missing, "abc", past the end) gives the
    nearest page, as Paginator.get_page does.
    """
    team = visible_team(viewer=viewer, team_id=team_id)
    if team is None:
        return None
    return StandupHistory(
        team=team,
        standups=Paginator(standup_history(team=team), HISTORY_PAGE_SIZE).get_page(page),
        people_count=len(team_people(team)),
        today=team_today(team, now),
    )
