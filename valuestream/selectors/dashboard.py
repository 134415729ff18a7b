"""The VSM's weekly progress dashboard, and the weekly review's agenda.

`agenda_build` reads one value stream (or the teams of it a TC coordinates)
for one week against the weeks before it and returns the panels' figures as
plain JSON-safe data: the dashboard renders it live, and a weekly review
freezes it when it is prepared, so the record later shows what was seen then
(the same template renders both).

It reads a fixed number of queries whatever the length of the history: every
read is bounded by the weeks shown (TREND_WEEKS), or is about what is open now.
"""

import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Min, OuterRef, Prefetch, Q, Subquery, Window
from django.utils import timezone

from roles import cache as organisation_cache
from roles.models import Layer, Membership, Team, User, ValueStream
from roles.selectors import person_places
from standardwork import calendar, xmr
from standardwork.models import (
    Action,
    ControlPoint,
    Cycle,
    Impediment,
    Measurement,
    Standup,
    TemplateVersion,
)
from standardwork.selectors.adherence import Tally, adherence_report, past_week_tallies
from valuestream import policy
from valuestream.charts import TrendChart, trend_chart
from valuestream.models import WeeklyReview
from valuestream.selectors import campaign_panels as campaign_panel_selectors
from valuestream.selectors.reports import FUNNEL_STAGES

AGENDA_VERSION = 1
# The week shown and the eight before it: two months of trend, read in one go.
TREND_WEEKS = 9
# Lists on the dashboard show the oldest (or most) few and say how many there are.
LIST_SHOWN = 8
SPARK_POINTS = 12
CAMPAIGNS_NOT_SET_UP = "Campaigns are not set up yet."


def campaign_panels(*, scope: "Scope", week_start: date) -> dict | None:
    """The campaign, budget and ROI panels, or None while the value stream has no
    campaign and no program (the dashboard and the agenda then say CAMPAIGNS_NOT_SET_UP)."""
    return campaign_panel_selectors.campaign_panels(
        value_stream=scope.value_stream,
        teams=scope.teams,
        whole=scope.whole,
        week_start=week_start,
        week_end=week_start + timedelta(days=6),
    )


@dataclass(frozen=True)
class Scope:
    """What one dashboard shows: a value stream, all of it or some of its teams."""

    value_stream: ValueStream
    teams: list[Team]
    whole: bool  # the VSM's (or an administrator's) view: every team, the VSM's own work


def value_stream_today(value_stream: ValueStream, now: datetime | None = None) -> date:
    return calendar.local_date(now or timezone.now(), value_stream.time_zone)


def _teams_prefetched(*, with_value_streams: bool = True):
    teams = Team.objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("user"))
    ).select_related("coordinator")
    return teams.prefetch_related("value_streams") if with_value_streams else teams


def dashboard_scopes(*, user: User) -> list[Scope]:
    """Every dashboard `user` may see, one per value stream, in three queries.

    The VSM sees their value stream whole; a TC the teams of it they coordinate;
    an administrator every value stream.
    """
    value_streams = list(
        policy.dashboard_value_streams(user).select_related("vsm").order_by("name")
    )
    if not value_streams:
        return []
    teams = list(
        _teams_prefetched().filter(value_streams__in=value_streams).distinct().order_by("name")
    )
    scopes = []
    for value_stream in value_streams:
        whole = policy.sees_whole_value_stream(user, value_stream)
        own = [
            team
            for team in teams
            if any(vs.pk == value_stream.pk for vs in team.value_streams.all())
            and (whole or team.coordinator_id == user.pk)
        ]
        scopes.append(Scope(value_stream=value_stream, teams=own, whole=whole))
    return scopes


def dashboard_scope(*, user: User, value_stream_id: int) -> Scope | None:
    """One value stream's dashboard as `user` may see it (None when they may not), as
    `dashboard_scopes` shows it, reading only this value stream.

    Only the organisation decides it (the value stream, its teams and their people,
    who coordinates and manages them), so it is kept with the person's place
    (`roles.cache`) until the organisation or one of its people changes.
    """

    def read(ids: list[int]) -> dict[int, Scope]:
        value_stream = (
            policy.dashboard_value_streams(user)
            .filter(pk=value_stream_id)
            .select_related("vsm")
            .first()
        )
        if value_stream is None:
            return {}
        whole = policy.sees_whole_value_stream(user, value_stream)
        teams = _teams_prefetched(with_value_streams=False).filter(value_streams=value_stream)
        if not whole:
            teams = teams.filter(coordinator=user)
        scope = Scope(value_stream=value_stream, teams=list(teams.order_by("name")), whole=whole)
        return {user.pk: scope}

    # An administrator sees every value stream: the flag is part of what is kept.
    kind = f"dashboard-scope:{value_stream_id}:{int(user.is_superuser)}"
    return organisation_cache.per_person(kind, [user.pk], read).get(user.pk)


def review_scope(value_stream: ValueStream) -> Scope:
    """The whole value stream, as its weekly review's agenda shows it."""
    teams = list(_teams_prefetched().filter(value_streams=value_stream).order_by("name"))
    return Scope(value_stream=value_stream, teams=teams, whole=True)


# --- the panels ------------------------------------------------------------------


def _tally(tally: Tally | None) -> dict:
    tally = tally or Tally()
    return {
        "done": tally.done,
        "missed": tally.missed,
        "open": tally.open,
        "completion": tally.completion_percent,
        "planned_share": tally.planned_share_percent,
        "actual_share": tally.actual_share_percent,
        "planned_minutes": tally.planned_minutes,
        "actual_minutes": tally.actual_minutes,
    }


def _people(scope: Scope) -> tuple[list[User], dict[int, list[Team]]]:
    """The people whose standard work the scope shows, and the teams each is in."""
    people: dict[int, User] = {}
    teams_of: dict[int, list[Team]] = defaultdict(list)
    for team in scope.teams:
        for membership in team.memberships.all():
            people.setdefault(membership.user_id, membership.user)
            teams_of[membership.user_id].append(team)
        if team.coordinator is not None:
            people.setdefault(team.coordinator_id, team.coordinator)
            if team not in teams_of[team.coordinator_id]:
                teams_of[team.coordinator_id].append(team)
    if scope.whole:
        people.setdefault(scope.value_stream.vsm_id, scope.value_stream.vsm)
    return sorted(people.values(), key=lambda person: person.display_name), teams_of


def _adherence(scope: Scope, mondays: list[date], today: date) -> dict:
    """This week exactly (`adherence_report`: shares, misses by reason); the weeks before
    it as completion only, from the weekly summaries (a fixed cost whatever the history)."""
    week_start = mondays[-1]
    week_end = week_start + timedelta(days=6)
    people, teams_of = _people(scope)
    places = person_places(user_ids=[person.pk for person in people])
    week_report = adherence_report(
        people=people, start=week_start, end=week_end, today=today, places=places
    )
    # The weeks before this one come from the tick's weekly summaries (counted live
    # where a week is not summarised yet): two small queries whatever the history.
    past = past_week_tallies(
        owner_ids=[person.pk for person in people], mondays=mondays[:-1], today=today
    )
    by_layer: dict[str, dict[date, Tally]] = defaultdict(lambda: defaultdict(Tally))
    targets: dict[str, int] = {}
    by_team: dict[int, dict[date, Tally]] = defaultdict(lambda: defaultdict(Tally))
    week_total = Tally()
    reds: dict[int, int] = {}
    for row in week_report.people:
        weeks = dict(past.get(row.person.pk, {}))
        if row.by_day:
            weeks[week_start] = row.total
            week_total.add(row.total)
        if red := sum(tally.reds for tally in weeks.values()):
            reds[row.person.pk] = red
        for monday, tally in weeks.items():
            if row.layer is not None:
                by_layer[row.layer][monday].add(tally)
                targets[row.layer] = row.total.target_percent
            for team in teams_of.get(row.person.pk, ()):
                by_team[team.pk][monday].add(tally)
    layers = [
        {
            "layer": layer.value,
            "label": layer.label,
            "target": targets.get(layer),
            "weeks": [by_layer[layer][monday].completion_percent for monday in mondays],
            "week": _tally(by_layer[layer].get(week_start)),
        }
        for layer in Layer
        if layer in by_layer
    ]
    teams = [
        {
            "team_id": team.pk,
            "name": team.name,
            "weeks": [by_team[team.pk][monday].completion_percent for monday in mondays],
            "week": _tally(by_team[team.pk].get(week_start)),
        }
        for team in scope.teams
    ]
    return {
        "by_layer": layers,
        "by_team": teams,
        "week": _tally(week_total),
        "miss_reasons": [
            {"reason": row.reason, "count": row.count, "percent": row.percent}
            for row in week_report.pareto[:LIST_SHOWN]
        ],
        "people": [
            {"person_id": row.person.pk, "name": row.person.display_name}
            for row in week_report.people
        ],
        "reds": reds,
    }


def _reds(counts: dict[int, int], names: dict[int, str]) -> dict:
    """Open kamishibai reds (a miss without a recorded countermeasure) in the weeks shown,
    per person: counted with the adherence (this week live, the weeks before from the
    weekly summaries, which a countermeasure asked for or recorded marks to recount)."""
    people = sorted(counts.items(), key=lambda pair: (-pair[1], names.get(pair[0], "")))
    return {
        "count": sum(counts.values()),
        "people": [
            {"person_id": person_id, "name": names.get(person_id, ""), "count": count}
            for person_id, count in people[:LIST_SHOWN]
        ],
    }


def _standup_due_days(team: Team, start: date, end: date, now: datetime) -> list[date]:
    """The team's working days in [start, end] whose stand-up time has come."""
    local_now = now.astimezone(team.zone)
    days, day = [], start
    while day <= min(end, local_now.date()):
        if day.isoweekday() in team.working_days and (
            day < local_now.date() or local_now.time() >= team.standup_time
        ):
            days.append(day)
        day += timedelta(days=1)
    return days


def _standups(scope: Scope, mondays: list[date], now: datetime) -> dict:
    """Stand-ups held (started or logged) against those due, per team and per week.

    A team's stand-ups fall due from its first one (opened by the tick when its
    rhythm began): a new team's earlier weeks are not counted as missed.
    """
    start, end = mondays[0], mondays[-1] + timedelta(days=6)
    first = dict(
        Standup.objects.filter(team__in=scope.teams)
        .values("team_id")
        .annotate(first=Min("date"))
        .order_by()
        .values_list("team_id", "first")
    )
    held = set(
        Standup.objects.filter(team__in=scope.teams, date__range=(start, end))
        .filter(Q(started_at__isnull=False) | Q(logged_by__isnull=False))
        .values_list("team_id", "date")
    )
    week_start = mondays[-1]
    due_by_week, held_by_week = Counter(), Counter()
    teams = []
    for team in scope.teams:
        if team.pk not in first:
            due_days = []
        else:
            due_days = _standup_due_days(team, max(start, first[team.pk]), end, now)
        for day in due_days:
            monday = day - timedelta(days=day.isoweekday() - 1)
            due_by_week[monday] += 1
            held_by_week[monday] += (team.pk, day) in held
        this_week = [day for day in due_days if day >= week_start]
        teams.append(
            {
                "team_id": team.pk,
                "name": team.name,
                "due": len(this_week),
                "held": sum((team.pk, day) in held for day in this_week),
            }
        )
    return {
        "by_team": teams,
        "due": due_by_week[week_start],
        "held": held_by_week[week_start],
        "weeks": [
            round(100 * held_by_week[monday] / due_by_week[monday]) if due_by_week[monday] else None
            for monday in mondays
        ],
    }


def _age_days(since: datetime, now: datetime) -> int:
    return max((now - since).days, 0)


def _impediments(scope: Scope, now: datetime) -> dict:
    # The oldest few, each row carrying the counts of all of them (window aggregates):
    # one query for the list and its totals.
    waiting = Q(escalated_at__isnull=False, answered_at__isnull=True)
    oldest = list(
        Impediment.objects.filter(team__in=scope.teams)
        .exclude(state=Impediment.State.REMOVED)
        .annotate(
            open_count=Window(Count("pk")),
            escalated_count=Window(Count("pk", filter=waiting)),
        )
        .select_related("team")
        .order_by("raised_at", "pk")[:LIST_SHOWN]
    )
    return {
        "open": oldest[0].open_count if oldest else 0,
        "escalated": oldest[0].escalated_count if oldest else 0,
        "oldest": [
            {
                "id": impediment.pk,
                "title": impediment.title,
                "team_id": impediment.team_id,
                "team": impediment.team.name,
                "age_days": _age_days(impediment.raised_at, now),
                "escalated": impediment.escalated_at is not None and impediment.answered_at is None,
            }
            for impediment in oldest
        ],
    }


def _overdue_actions(scope: Scope, today: date) -> dict:
    oldest = list(
        Action.objects.filter(team__in=scope.teams, done_at__isnull=True, due_date__lt=today)
        .annotate(overdue_count=Window(Count("pk")))  # all of them, with the oldest few
        .select_related("owner", "team")
        .order_by("due_date", "pk")[:LIST_SHOWN]
    )
    return {
        "count": oldest[0].overdue_count if oldest else 0,
        "oldest": [
            {
                "title": action.title,
                "owner_id": action.owner_id,
                "owner": action.owner.display_name,
                "team_id": action.team_id,
                "team": action.team.name,
                "due_date": action.due_date.isoformat(),
                "days_overdue": (today - action.due_date).days,
            }
            for action in oldest
        ],
    }


def _week_bounds_utc(value_stream: ValueStream, week_start: date) -> tuple[datetime, datetime]:
    zone = value_stream_zone(value_stream)
    start = datetime.combine(week_start, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(week_start + timedelta(days=7), datetime.min.time(), tzinfo=zone)
    return start, end


def value_stream_zone(value_stream: ValueStream) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(value_stream.time_zone)


def _cycles(scope: Scope, week_start: date) -> dict:
    """Open cycles by kind and phase, and those adopted this week with the versions they
    produced: the open and the adopted in one query (a few dozen rows at most), the
    versions in a second only when something was adopted."""
    start, end = _week_bounds_utc(scope.value_stream, week_start)
    adopted_this_week = Q(outcome=Cycle.Outcome.ADOPT, closed_at__gte=start, closed_at__lt=end)
    counts: Counter = Counter()
    adopted = []
    for pk, kind, phase, title, team_id, team, adopted_now in (
        Cycle.objects.filter(team__in=scope.teams)
        .filter(~Q(phase=Cycle.Phase.CLOSED) | adopted_this_week)
        .annotate(adopted_now=Q(adopted_this_week))
        .order_by("closed_at", "pk")
        .values_list("pk", "kind", "phase", "title", "team_id", "team__name", "adopted_now")
    ):
        if phase != Cycle.Phase.CLOSED:
            counts[(kind, phase)] += 1
        if adopted_now:
            adopted.append({"id": pk, "title": title, "team_id": team_id, "team": team})
    versions: dict[int, list[str]] = defaultdict(list)
    if adopted:
        for cycle_id, template, number in (
            TemplateVersion.objects.filter(cycle_id__in=[row["id"] for row in adopted])
            .order_by("pk")
            .values_list("cycle_id", "template__name", "number")
        ):
            versions[cycle_id].append(f"{template}, version {number}")
    return {
        "by_state": [
            {
                "kind": kind.label,
                "phase": phase.label,
                "count": counts.get((kind.value, phase.value), 0),
            }
            for kind in Cycle.Kind
            for phase in Cycle.Phase
            if phase != Cycle.Phase.CLOSED
        ],
        "open": sum(counts.values()),
        "adopted": [{**row, "versions": versions[row["id"]]} for row in adopted],
    }


def _control_points(scope: Scope) -> dict:
    """Active control points whose latest value is outside the limits, with their latest
    values: two queries whose cost does not grow with the points' history.

    Each point is judged on its newest measurement, and the day of its SPARK_POINTS-th
    newest bounds its sparkline (a point has one measurement a day that counts): index
    probes per point, so only the few shown read their last dozen values.
    """
    newest = Measurement.objects.filter(
        control_point=OuterRef("pk"), voided_at__isnull=True
    ).order_by("-measured_on")
    outside = list(
        ControlPoint.objects.filter(team__in=scope.teams, is_active=True)
        .annotate(
            newest_out=Subquery(newest.values("out_of_limits")[:1]),
            spark_from=Subquery(newest.values("measured_on")[SPARK_POINTS - 1 : SPARK_POINTS]),
        )
        .filter(newest_out=True)
        .select_related("team")
        .order_by("team__name", "name", "pk")
    )
    shown = outside[:LIST_SHOWN]
    values: dict[int, list[Measurement]] = defaultdict(list)
    if shown:
        recent = Q()
        for point in shown:
            recent |= Q(control_point_id=point.pk) & (
                Q(measured_on__gte=point.spark_from) if point.spark_from else Q()
            )
        for measurement in (
            Measurement.objects.filter(recent, voided_at__isnull=True)
            .only("control_point_id", "value", "measured_on", "signal")
            .order_by("control_point_id", "measured_on")
        ):
            values[measurement.control_point_id].append(measurement)
    rows = []
    for control_point in shown:
        points = values[control_point.pk]
        rows.append(
            {
                "id": control_point.pk,
                "name": control_point.name,
                "unit": control_point.unit,
                "team_id": control_point.team_id,
                "team": control_point.team.name,
                "value": xmr.format_number(points[-1].value),
                "measured_on": points[-1].measured_on.isoformat(),
                "signal": points[-1].signal,
                "values": [float(measurement.value) for measurement in points],
            }
        )
    return {"count": len(outside), "rows": rows}


def trend_mondays(week_start: date) -> list[date]:
    return [week_start - timedelta(weeks=back) for back in range(TREND_WEEKS - 1, -1, -1)]


def agenda_build(*, scope: Scope, week_start: date, now: datetime | None = None) -> dict:
    """The panels of `scope` for the week of `week_start` against the weeks before it.

    JSON-safe: a weekly review stores it as its frozen agenda.
    """
    now = now or timezone.now()
    value_stream = scope.value_stream
    today = value_stream_today(value_stream, now)
    mondays = trend_mondays(week_start)
    week_end = week_start + timedelta(days=6)
    adherence = _adherence(scope, mondays, today)
    names = {person["person_id"]: person["name"] for person in adherence.pop("people")}
    reds = adherence.pop("reds")
    return {
        "version": AGENDA_VERSION,
        "value_stream": {"id": value_stream.pk, "name": value_stream.name},
        "whole": scope.whole,
        "teams": [{"id": team.pk, "name": team.name} for team in scope.teams],
        "week_start": week_start.isoformat(),
        "week_end": week_end.isoformat(),
        "today": today.isoformat(),
        "built_at": now.isoformat(),
        "weeks": [monday.isoformat() for monday in mondays],
        "adherence": adherence,
        "reds": _reds(reds, names),
        "standups": _standups(scope, mondays, now),
        "impediments": _impediments(scope, now),
        "actions": _overdue_actions(scope, today),
        "cycles": _cycles(scope, week_start),
        "control_points": _control_points(scope),
        "campaigns": campaign_panels(scope=scope, week_start=week_start),
    }


# --- what the page shows -----------------------------------------------------------


@dataclass(frozen=True)
class AgendaCharts:
    by_layer: TrendChart
    by_team: TrendChart
    standups: TrendChart
    # One sparkline per control point outside its limits, in the panel's order.
    sparks: tuple[xmr.Sparkline | None, ...] = ()


def agenda_charts(agenda: dict) -> AgendaCharts:
    """The trend charts of an agenda, live or frozen (pure: no query)."""
    weeks = agenda["weeks"]
    adherence = agenda["adherence"]
    return AgendaCharts(
        by_layer=trend_chart(
            title="Completion by layer",
            weeks=weeks,
            series=[(row["label"], row["weeks"]) for row in adherence["by_layer"]],
        ),
        by_team=trend_chart(
            title="Completion by team",
            weeks=weeks,
            series=[(row["name"], row["weeks"]) for row in adherence["by_team"]],
        ),
        standups=trend_chart(
            title="Stand-ups held of due",
            weeks=weeks,
            series=[("Held", agenda["standups"]["weeks"])],
        ),
        sparks=tuple(
            xmr.sparkline([Decimal(str(value)) for value in row["values"]])
            for row in agenda["control_points"]["rows"]
        ),
    )


@dataclass(frozen=True)
class Board:
    """One value stream's dashboard: its agenda, charts and this week's review."""

    scope: Scope
    agenda: dict
    charts: AgendaCharts
    review: WeeklyReview | None
    week_start: date
    today: date

    @property
    def previous_week(self) -> date:
        return self.week_start - timedelta(weeks=1)

    @property
    def next_week(self) -> date | None:
        following = self.week_start + timedelta(weeks=1)
        return following if following <= self.today else None


def dashboard_boards(
    *, scopes: list[Scope], week: date | None, now: datetime | None = None
) -> list[Board]:
    """A board per scope for the week of `week` (this week in each value stream's zone
    when None): a fixed number of queries per value stream, whatever the history."""
    now = now or timezone.now()
    reviews = {
        (review.value_stream_id, review.week_start): review
        for review in WeeklyReview.objects.filter(
            value_stream__in=[scope.value_stream for scope in scopes],
            week_start__in={
                _monday(week or value_stream_today(scope.value_stream, now)) for scope in scopes
            },
        )
    }
    boards = []
    for scope in scopes:
        today = value_stream_today(scope.value_stream, now)
        week_start = _monday(week or today)
        agenda = agenda_build(scope=scope, week_start=week_start, now=now)
        boards.append(
            Board(
                scope=scope,
                agenda=agenda,
                charts=agenda_charts(agenda),
                review=reviews.get((scope.value_stream.pk, week_start)),
                week_start=week_start,
                today=today,
            )
        )
    return boards


def _monday(day: date) -> date:
    return day - timedelta(days=day.isoweekday() - 1)


# --- the export ------------------------------------------------------------------------

CSV_HEADER = [
    "date",
    "person",
    "layer",
    "teams",
    "done",
    "missed",
    "open",
    "planned minutes",
    "actual minutes",
]


def adherence_csv_rows(*, scope: Scope, week_start: date, now: datetime | None = None):
    """Adherence per person and day over the weeks the dashboard shows, as CSV rows."""
    now = now or timezone.now()
    mondays = trend_mondays(week_start)
    people, teams_of = _people(scope)
    report = adherence_report(
        people=people,
        start=mondays[0],
        end=week_start + timedelta(days=6),
        today=value_stream_today(scope.value_stream, now),
    )
    yield CSV_HEADER
    for row in report.people:
        teams = "; ".join(team.name for team in teams_of.get(row.person.pk, ()))
        layer = row.layer.label if row.layer else ""
        for day, tally in row.by_day.items():
            yield [
                day.isoformat(),
                row.person.display_name,
                layer,
                teams,
                tally.done,
                tally.missed,
                tally.open,
                tally.planned_minutes,
                tally.actual_minutes,
            ]


FUNNEL_CSV_HEADER = [
    "campaign", "team", "status", "program", *FUNNEL_STAGES, "spent", "revenue", "roi_percent",
]  # fmt: skip


def funnel_csv_rows(*, scope: Scope, week_start: date):
    """The campaign panel as CSV rows, the header first: one row per campaign."""
    yield FUNNEL_CSV_HEADER
    panels = campaign_panels(scope=scope, week_start=week_start) or {"campaigns": []}
    for row in panels["campaigns"]:
        yield [
            row["name"], row["team"], row["status"], row["program"],
            *(row["stages"][stage] for stage in FUNNEL_STAGES),
            row["spent"], row["revenue"], row["roi"] if row["roi"] is not None else "",
        ]  # fmt: skip
