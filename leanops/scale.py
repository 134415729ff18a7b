"""`manage.py seed_scale`: an organisation at scale with a year of history, for `make bench`.

The organisation is built as the demo's is, only larger: value streams with
their Value Stream Manager, sales and marketing teams with a Team Leader and
members, Team Coordinators of four teams each (never the VSM of a stream
their teams serve, roles.rules), every layer's standard work, and, for every
person in the database (the demo's too, when it is there), the year before
their first checklist: checklists issued on their team's working days with
the versions then in force, items ticked, missed with a reason, left open,
verified by the layer above; leave; the teams' stand-ups with attendance,
actions and impediments (some escalated); PDCA/SDCA cycles and control
points with their measurements.

It is a fixture, not behaviour: the rows are written in bulk (COPY on
PostgreSQL, multi-row INSERTs elsewhere) with the timestamps they would have
had, never through the services, so a year for 600 people takes a minute,
not hours. Today is left to the services: the bench times issuing today's
checklists and opening today's stand-ups. A fixed random seed makes it the
same for the same date.

It builds only on a database that holds nothing but the demo (roles.demo)
and nothing of its own yet: people it makes have e-mail addresses at
SCALE_EMAIL_DOMAIN, and that is how it tells them apart.
"""

import math
import random
import time as clock
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Min, Model, Q
from django.utils import timezone

from roles import rules
from roles.cache import organisation_changed
from roles.demo import ADMIN_USERNAME, PEOPLE, TEAMS, VALUE_STREAMS
from roles.models import Layer, Membership, Stage, Team, User, ValueStream, Weekday
from roles.selectors import PersonPlace, person_places
from standardwork import calendar
from standardwork.demo import (
    COUNTERMEASURE_REQUESTS,
    COUNTERMEASURES,
    LATE_COUNTERMEASURE_SHARE,
    MISS_NOTES,
    MISS_REASON_WEIGHTS,
    RECENT_DAYS,
    TYPED_REASONS,
)
from standardwork.demo_rhythm import ACTIONS, IMPEDIMENTS, STANDUP_NOTES
from standardwork.models import (
    Absence,
    Action,
    Check,
    CheckEvent,
    Checklist,
    ControlPoint,
    Cycle,
    CycleEvent,
    Impediment,
    Measurement,
    MissReason,
    StandardWorkTemplate,
    Standup,
    StandupAttendance,
    SummarisedWeek,
    TemplateItem,
    TemplateVersion,
)
from standardwork.services import cycles as cycle_services

# The private rule the issuer uses to match a template to a person; the history
# must issue exactly what the beat tick would have.
from standardwork.services.adherence import standard_defaults_ensure
from standardwork.services.checklists import _template_applies

SCALE_EMAIL_DOMAIN = "scale.ashfordflow.example"
RANDOM_SEED = 2027
TEAMS_PER_COORDINATOR = 4
# The first coordinator's teams, and the newest team, have this many people: issue 9's
# verification-board target is for "a coordinator with four teams of eight".
BENCH_TEAM_SIZE = 8
# The last value stream (and so the last team) was formed this many days ago, so the
# results of a year-old team, and the dashboard of a year-old value stream, can be
# compared with a week-old one of the same size and shape.
NEW_TEAM_DAYS = 7
COPY_BATCH = 50_000  # rows held before they are written

TICK_SHARE = 0.85
MISS_SHARE = 0.08
CONFIRM_SHARE = 0.6
COUNTERMEASURE_SHARE = 0.1
COUNTERMEASURE_RECORDED_SHARE = 0.8
PRESENT_SHARE = 0.94
ACTION_SHARE = 0.45
IMPEDIMENT_SHARE = 0.18


class ScaleRefused(Exception):
    """The database holds something seed_scale must not build on; the message says what."""


@dataclass(frozen=True)
class ScaleSizes:
    value_streams: int = 10
    teams: int = 60
    people: int = 600
    days: int = 365

    @property
    def coordinators(self) -> int:
        return math.ceil(self.teams / TEAMS_PER_COORDINATOR)

    @property
    def in_teams(self) -> int:
        """People in teams: everyone but the VSMs and the TCs."""
        return self.people - self.value_streams - self.coordinators

    def problems(self) -> list[str]:
        found = []
        if self.value_streams < 1:
            found.append("at least 1 value stream")
        if self.teams < self.value_streams:
            found.append(f"at least one team per value stream ({self.value_streams})")
        if self.in_teams < 2 * self.teams:
            least = self.value_streams + self.coordinators + 2 * self.teams
            found.append(
                f"at least {least} people for {self.value_streams} value streams and "
                f"{self.teams} teams (a VSM each, a TC per {TEAMS_PER_COORDINATOR} teams, "
                "a Team Leader and a member per team)"
            )
        if self.days < 1:
            found.append("at least 1 day of history")
        return found


@dataclass
class ScaleSummary:
    created: dict[str, int] = field(default_factory=dict)
    phases: list[tuple[str, float]] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(seconds for _, seconds in self.phases)


Progress = Callable[[str, float, str], None]


# --- the guard ------------------------------------------------------------------


def foreign_data() -> list[str]:
    """What in the database is neither the demo's nor seed_scale's, one line per kind."""
    demo_users = {person.username for person in PEOPLE} | {ADMIN_USERNAME}
    ours = Q(email__iendswith="@" + SCALE_EMAIL_DOMAIN)
    found = []
    users = User.objects.exclude(ours).exclude(username__in=demo_users).order_by("pk")
    if users.exists():
        names = ", ".join(users.values_list("username", flat=True)[:3])
        found.append(f"{users.count()} users that are neither demo logins nor its own ({names})")
    streams = (
        ValueStream.objects.exclude(name__in=[spec.name for spec in VALUE_STREAMS])
        .exclude(vsm__email__iendswith="@" + SCALE_EMAIL_DOMAIN)
        .order_by("pk")
    )
    if streams.exists():
        names = ", ".join(streams.values_list("name", flat=True)[:3])
        found.append(f"{streams.count()} value streams it did not make ({names})")
    teams = (
        Team.objects.exclude(name__in=[spec.name for spec in TEAMS])
        .exclude(value_streams__vsm__email__iendswith="@" + SCALE_EMAIL_DOMAIN)
        .order_by("pk")
    )
    if teams.exists():
        names = ", ".join(teams.values_list("name", flat=True)[:3])
        found.append(f"{teams.count()} teams it did not make ({names})")
    return found


def _refuse_unless_fresh() -> None:
    foreign = foreign_data()
    if foreign:
        raise ScaleRefused(
            "seed_scale builds only on an empty database or one with just the demo, "
            f"and this one holds {'; '.join(foreign)}. Use a database of its own "
            "(make bench creates one)."
        )
    own = User.objects.filter(email__iendswith="@" + SCALE_EMAIL_DOMAIN).count()
    if own:
        raise ScaleRefused(
            f"This database already holds a scaled organisation ({own} people); "
            "seed_scale builds once. Start from a fresh database to build another."
        )


# --- writing in bulk ----------------------------------------------------------------


class _Writer:
    """Rows as tuples into a model's table: COPY on PostgreSQL, INSERTs elsewhere.

    Timestamps are written as given (auto_now_add is not applied), and ids
    can be handed out in advance (`ids`) so related rows need no round trip.
    """

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.written: dict[str, int] = defaultdict(int)
        self.models: set[type[Model]] = set()

    def ids(self, model: type[Model]) -> Iterator[int]:
        self.models.add(model)
        last = model._default_manager.aggregate(last=Max("pk"))["last"] or 0
        return count(last + 1)

    def write(self, model: type[Model], columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        meta = model._meta
        fields = [meta.get_field(name) for name in columns]
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(meta.db_table)
        if self.postgres:
            connection.ensure_connection()
            raw = connection.connection
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            prepared = [
                tuple(
                    f.get_db_prep_save(value, connection)
                    for f, value in zip(fields, row, strict=True)
                )
                for row in rows
            ]
            with connection.cursor() as cursor:
                for start in range(0, len(prepared), 500):
                    cursor.executemany(
                        f"INSERT INTO {table} ({names}) VALUES ({marks})",
                        prepared[start : start + 500],
                    )
        self.written[meta.label] += len(rows)

    def finish(self) -> None:
        """Move the id sequences past the ids handed out (PostgreSQL; SQLite follows itself)."""
        if not self.postgres or not self.models:
            return
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(self.models)):
                cursor.execute(statement)


class _Buffer:
    """Rows of one table, written when there are enough of them."""

    def __init__(self, writer: _Writer, model: type[Model], columns: list[str]) -> None:
        self.writer, self.model, self.columns = writer, model, columns
        self.rows: list[tuple] = []

    def add(self, row: tuple) -> None:
        self.rows.append(row)

    def full(self) -> bool:
        return len(self.rows) >= COPY_BATCH

    def flush(self) -> None:
        self.writer.write(self.model, self.columns, self.rows)
        self.rows = []


# --- the organisation ---------------------------------------------------------------

FIRST_NAMES = [
    "Amara", "Ben", "Carmen", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas",
    "Keisha", "Luca", "Maya", "Nikhil", "Olga", "Pedro", "Quinn", "Rosa", "Samir", "Tara",
    "Umar", "Vera", "Wen", "Ximena", "Yusuf", "Zoe", "Aiden", "Bianca", "Chen", "Dara",
    "Emeka", "Freya", "Gabriel", "Hana", "Ivan", "Julia", "Kofi", "Leila", "Mateo", "Nora",
]  # fmt: skip
LAST_NAMES = [
    "Abbott", "Baptiste", "Castillo", "Dubois", "Eriksen", "Fischer", "Gonzalez", "Haddad",
    "Ibrahim", "Jensen", "Kim", "Larsen", "Moreau", "Nakamura", "Osei", "Petrov", "Quist",
    "Rossi", "Schmidt", "Tanaka", "Usman", "Varga", "Walsh", "Xu", "Yilmaz", "Zielinski",
    "Andersen", "Bello", "Costa", "Delgado", "Evans", "Ferreira", "Gill", "Hughes", "Iyer",
]  # fmt: skip

# Products and the markets they serve; zones and working days of the stream's teams.
STREAMS = [
    ("Industrial Valves", "Municipal water and wastewater utilities", "Europe/London"),
    ("Heat Exchangers", "Chemical and food processing plants", "America/New_York"),
    ("Compressed Air", "Automotive and metalworking plants", "Europe/Berlin"),
    ("Flow Meters", "Oil and gas midstream operators", "America/Chicago"),
    ("Dosing Pumps", "Pool, spa and water-treatment builders", "Asia/Kolkata"),
    ("Filtration Systems", "Breweries, dairies and beverage plants", "Europe/Madrid"),
    ("Mixers and Agitators", "Pharmaceutical and cosmetics plants", "America/Los_Angeles"),
    ("Seals and Gaskets", "Maintenance distributors", "Asia/Singapore"),
    ("Process Automation", "Paper and pulp mills", "Australia/Sydney"),
    ("Service Contracts", "The installed base of every product line", "America/Sao_Paulo"),
]
SIX_DAY_ZONES = {"Asia/Kolkata"}
FIVE_DAYS, SIX_DAYS = [1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6]
TEAM_KINDS = [
    ("Prospecting", [Stage.IDENTIFICATION, Stage.VALUE], Membership.Function.SALES),
    ("Key Accounts", [Stage.ACQUISITION, Stage.RETENTION], Membership.Function.SALES),
    ("Demand Generation", [Stage.IDENTIFICATION, Stage.VALUE], Membership.Function.MARKETING),
    ("Customer Success", [Stage.RETENTION, Stage.MONITORING], Membership.Function.SERVICE),
    ("Inside Sales", [Stage.VALUE, Stage.ACQUISITION], Membership.Function.SALES),
    ("Partner Channel", [Stage.ACQUISITION], Membership.Function.SALES),
    ("Renewals", [Stage.RETENTION], Membership.Function.SERVICE),
    ("Field Sales", [Stage.ACQUISITION, Stage.RETENTION], Membership.Function.SALES),
]
MEMBER_FUNCTIONS = [
    Membership.Function.SALES,
    Membership.Function.SALES,
    Membership.Function.MARKETING,
    Membership.Function.SALES,
    Membership.Function.IT,
    Membership.Function.SERVICE,
]
STANDUP_TIMES = [time(8, 15), time(8, 30), time(9, 0), time(9, 30), time(10, 0)]


@dataclass
class _Org:
    """The organisation seed_scale made, in memory, for the history phases."""

    value_streams: list[ValueStream]
    teams: list[Team]
    team_streams: dict[int, list[ValueStream]]
    people: dict[int, list[int]]  # team id -> user ids, the Team Leader first
    new_teams: list[Team]  # the newest value stream's teams, formed NEW_TEAM_DAYS ago
    joined: dict[int, date]  # user id -> first day of their history (new teams: a week ago)

    def is_new(self, team: Team) -> bool:
        return any(team.pk == new.pk for new in self.new_teams)


def team_sizes(sizes: ScaleSizes) -> list[int]:
    """People per team; the first coordinator's teams and the newest team have eight, and
    the newest value stream's teams mirror the first's (the dashboard's year-vs-week pair)."""
    total, teams = sizes.in_teams, sizes.teams
    first_coordinators = set(range(min(TEAMS_PER_COORDINATOR, teams)))
    fixed = first_coordinators | {teams - 1}
    if sizes.value_streams > 1:
        first_stream = [index for index in range(teams) if index * sizes.value_streams < teams]
        eights = len(first_coordinators & set(first_stream))
        newest = _new_team_indexes(sizes)
        twin = {*newest[: eights - 1], newest[-1]} if eights and len(newest) >= eights else set()
        if teams - len(fixed | twin) > 0:  # only while some team is left to take the rest
            fixed |= twin
    fixed = sorted(fixed)
    rest = teams - len(fixed)
    if rest and total - BENCH_TEAM_SIZE * len(fixed) >= 2 * rest:
        base, extra = divmod(total - BENCH_TEAM_SIZE * len(fixed), rest)
        result, spread = [], 0
        for index in range(teams):
            if index in fixed:
                result.append(BENCH_TEAM_SIZE)
            else:
                result.append(base + (1 if spread < extra else 0))
                spread += 1
        return result
    base, extra = divmod(total, teams)
    return [base + (1 if index < extra else 0) for index in range(teams)]


def _new_team_indexes(sizes: ScaleSizes) -> list[int]:
    """The teams formed a week ago: the last value stream's (teams are spread over the
    value streams in order), or the last team when there is one value stream."""
    if sizes.value_streams < 2:
        return [sizes.teams - 1]
    last = sizes.value_streams - 1
    streams, teams = sizes.value_streams, sizes.teams
    return [index for index in range(teams) if index * streams // teams == last]


def _stream_spec(index: int) -> tuple[str, str, str]:
    name, market, zone = STREAMS[index % len(STREAMS)]
    if index >= len(STREAMS):
        name = f"{name} {index // len(STREAMS) + 1}"
    return name, market, zone


def _organisation(sizes: ScaleSizes, *, now: datetime, rng: random.Random) -> _Org:
    password = make_password("leanops-demo")  # the demo's published password, hashed once
    history_start = now - timedelta(days=sizes.days + 7)
    new_team_start = now - timedelta(days=NEW_TEAM_DAYS)
    sizes_by_team = team_sizes(sizes)
    numbers = count(1)

    def person() -> User:
        number = next(numbers)
        first = FIRST_NAMES[number % len(FIRST_NAMES)]
        last = LAST_NAMES[(number * 7 + number // len(FIRST_NAMES)) % len(LAST_NAMES)]
        username = f"{first}.{last}.{number:03d}".lower()
        return User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@{SCALE_EMAIL_DOMAIN}",
            password=password,
            date_joined=history_start,
        )

    vsms = [person() for _ in range(sizes.value_streams)]
    coordinators = [person() for _ in range(sizes.coordinators)]
    in_teams = [[person() for _ in range(size)] for size in sizes_by_team]
    forming = sizes.teams > 1 and sizes.days > NEW_TEAM_DAYS
    # The newest value stream's teams (or, with one value stream, its last team) are new.
    new_indexes = _new_team_indexes(sizes) if forming else []
    for index in new_indexes:
        for user in in_teams[index]:
            user.date_joined = new_team_start
    if forming and sizes.value_streams > 1:
        vsms[-1].date_joined = new_team_start
    User.objects.bulk_create(
        [*vsms, *coordinators, *(user for team in in_teams for user in team)], batch_size=1000
    )

    streams = []
    for index, vsm in enumerate(vsms):
        name, market, zone = _stream_spec(index)
        streams.append(
            ValueStream(
                name=name,
                market=market,
                vsm=vsm,
                time_zone=zone,
                weekly_review_weekday=[Weekday.FRIDAY, Weekday.THURSDAY, Weekday.MONDAY][index % 3],
                weekly_review_time=time(14 + index % 3, 0),
            )
        )
    ValueStream.objects.bulk_create(streams)

    teams, team_streams, kinds_used = [], {}, defaultdict(int)
    for index in range(sizes.teams):
        stream = streams[index * sizes.value_streams // sizes.teams]
        kind_index = kinds_used[stream.name]
        kinds_used[stream.name] += 1
        kind, stages, _ = TEAM_KINDS[kind_index % len(TEAM_KINDS)]
        suffix = f" {kind_index // len(TEAM_KINDS) + 1}" if kind_index >= len(TEAM_KINDS) else ""
        coordinator = coordinators[index // TEAMS_PER_COORDINATOR]
        name = f"{stream.name} {kind}{suffix}"
        rules.check_team_roles(coordinator=coordinator, value_streams=[stream], team_name=name)
        teams.append(
            Team(
                name=name,
                kind=Team.Kind.SALES_MARKETING,
                stages=[str(stage) for stage in stages],
                coordinator=coordinator,
                time_zone=stream.time_zone,
                standup_time=STANDUP_TIMES[index % len(STANDUP_TIMES)],
                working_days=SIX_DAYS if stream.time_zone in SIX_DAY_ZONES else FIVE_DAYS,
            )
        )
        team_streams[index] = [stream]
    Team.objects.bulk_create(teams)
    Team.value_streams.through.objects.bulk_create(
        [
            Team.value_streams.through(team_id=team.pk, valuestream_id=stream.pk)
            for index, team in enumerate(teams)
            for stream in team_streams[index]
        ]
    )
    memberships, people = [], {}
    for index, team in enumerate(teams):
        leader_function = TEAM_KINDS[index % len(TEAM_KINDS)][2]
        people[team.pk] = [user.pk for user in in_teams[index]]
        for position, user in enumerate(in_teams[index]):
            memberships.append(
                Membership(
                    user=user,
                    team=team,
                    role=Membership.Role.LEADER if position == 0 else Membership.Role.MEMBER,
                    function=leader_function
                    if position == 0
                    else MEMBER_FUNCTIONS[(position + index) % len(MEMBER_FUNCTIONS)],
                )
            )
    Membership.objects.bulk_create(memberships, batch_size=1000)
    new_teams = [teams[index] for index in new_indexes]
    joined = {}
    for index in new_indexes:
        for user in in_teams[index]:
            joined[user.pk] = calendar.local_date(new_team_start, teams[index].time_zone)
    if new_teams and sizes.value_streams > 1:
        # The new value stream's VSM, and a coordinator of only new teams, are new too.
        vsm = vsms[-1]
        joined[vsm.pk] = calendar.local_date(new_team_start, streams[-1].time_zone)
        old_coordinators = {team.coordinator_id for team in teams if team not in new_teams}
        for team in new_teams:
            if team.coordinator_id not in old_coordinators:
                joined[team.coordinator_id] = calendar.local_date(new_team_start, team.time_zone)
    return _Org(
        value_streams=streams,
        teams=teams,
        team_streams={team.pk: team_streams[index] for index, team in enumerate(teams)},
        people=people,
        new_teams=new_teams,
        joined=joined,
    )


# --- standard work ------------------------------------------------------------------

Cadence = TemplateItem.Cadence
Kind = TemplateItem.Kind


@dataclass(frozen=True)
class _Item:
    title: str
    minutes: int
    cadence: str = Cadence.DAILY
    kind: str = Kind.DO
    weekday: int | None = None
    day_of_month: int | None = None


LAYER_WORK: dict[str, tuple[str, list[_Item]]] = {
    Layer.TL: (
        "Team Leader standard work",
        [
            _Item("Head the daily stand-up", 15, kind=Kind.ATTEND),
            _Item("Check the team's call-list progress against the plan", 10),
            _Item("Listen back to two recorded calls and give feedback", 20),
            _Item("Clear or escalate prospects stuck at a handoff", 10),
            _Item("Review the week's pipeline with each member", 45, Cadence.WEEKLY, weekday=4),
        ],
    ),
    Layer.MEMBER: (
        "Team member standard work",
        [
            _Item("Review today's call list", 10),
            _Item("Log the outcome of every call", 15),
            _Item("Update the opportunities you moved today", 10),
        ],
    ),
    Layer.TC: (
        "Team Coordinator standard work",
        [
            _Item("Attend the teams' stand-ups", 30, kind=Kind.ATTEND),
            _Item("Verify the Team Leaders' standard work", 15, kind=Kind.VERIFY),
            _Item("Chase the open impediments", 15),
            _Item("Run the script-playback training", 60, Cadence.WEEKLY, Kind.ATTEND, 2),
        ],
    ),
    Layer.VSM: (
        "Value Stream Manager standard work",
        [
            _Item("Verify the Team Coordinators' standard work", 20, kind=Kind.VERIFY),
            _Item("Check the programs' budget against spend", 20, Cadence.WEEKLY, weekday=1),
            _Item("Review ROI per program", 60, Cadence.MONTHLY, day_of_month=1),
        ],
    ),
}
# Mid-year the Team Leaders' routine gained an item (a PDCA cycle's adoption).
TL_REVISION = _Item("Check yesterday's call outcomes are logged before the stand-up", 5)
TL_REVISION_NOTE = "Stand-ups ran over when yesterday's call outcomes were not logged yet."


def _standard_work(org: _Org, sizes: ScaleSizes, *, now: datetime) -> int:
    """Each layer's routine (unless the organisation has one), each stream's weekly review."""
    started = now - timedelta(days=sizes.days + 7)
    revised = now - timedelta(days=sizes.days // 2)
    existing = set(
        StandardWorkTemplate.objects.filter(
            is_active=True, team__isnull=True, value_stream__isnull=True
        ).values_list("layer", flat=True)
    )
    templates: list[StandardWorkTemplate] = []
    plan: list[tuple[StandardWorkTemplate, list[tuple[list[_Item], datetime, str]]]] = []
    for layer, (name, items) in LAYER_WORK.items():
        if layer in existing:
            continue
        template = StandardWorkTemplate(name=name, layer=layer)
        versions = [(items, started, "First version")]
        if layer == Layer.TL and sizes.days >= 14:
            versions.append(([TL_REVISION, *items], revised, TL_REVISION_NOTE))
        templates.append(template)
        plan.append((template, versions))
    for stream in org.value_streams:
        template = StandardWorkTemplate(
            name=f"Weekly review: {stream.name}", layer=Layer.VSM, value_stream=stream
        )
        weekday = stream.weekly_review_weekday
        items = [
            _Item("Hold the weekly review", 60, Cadence.WEEKLY, Kind.ATTEND, weekday),
            _Item("Send the review's decisions to the teams", 10, Cadence.WEEKLY, weekday=weekday),
        ]
        templates.append(template)
        plan.append((template, [(items, started, "First version")]))
    StandardWorkTemplate.objects.bulk_create(templates)
    StandardWorkTemplate.objects.filter(pk__in=[t.pk for t in templates]).update(created_at=started)
    versions, items, made = [], [], []
    for template, specs in plan:
        for number, (specs_items, created_at, note) in enumerate(specs, start=1):
            version = TemplateVersion(
                template=template, number=number, note=note, effective_from=created_at.date()
            )
            versions.append(version)
            made.append(created_at)
            for position, spec in enumerate(specs_items):
                items.append(
                    TemplateItem(
                        version=version,
                        position=position,
                        title=spec.title,
                        cadence=spec.cadence,
                        weekday=spec.weekday,
                        day_of_month=spec.day_of_month,
                        expected_minutes=spec.minutes,
                        kind=spec.kind,
                    )
                )
    TemplateVersion.objects.bulk_create(versions)
    for version, created_at in zip(versions, made, strict=True):
        # auto_now_add stamped today; the versions are as old as the history.
        TemplateVersion.objects.filter(pk=version.pk).update(created_at=created_at)
    TemplateItem.objects.bulk_create(items)
    return len(templates)


@dataclass
class _TemplateCalendar:
    """Each active template's versions, oldest first, to find the one in force on a day."""

    template: StandardWorkTemplate
    versions: list[tuple[date, list[TemplateItem]]]

    def items_on(self, day: date) -> list[TemplateItem]:
        chosen = self.versions[0][1]
        for since, items in self.versions:
            if since <= day:
                chosen = items
        return chosen


def _template_calendars() -> list[_TemplateCalendar]:
    templates = list(StandardWorkTemplate.objects.filter(is_active=True).order_by("pk"))
    by_version: dict[int, list[TemplateItem]] = defaultdict(list)
    for item in TemplateItem.objects.filter(version__template__in=templates).order_by(
        "version_id", "position", "pk"
    ):
        by_version[item.version_id].append(item)
    versions: dict[int, list[tuple[date, list[TemplateItem]]]] = defaultdict(list)
    for version in TemplateVersion.objects.filter(template__in=templates).order_by(
        "template_id", "number"
    ):
        versions[version.template_id].append(
            (version.created_at.astimezone(UTC).date(), by_version[version.pk])
        )
    return [_TemplateCalendar(t, versions[t.pk]) for t in templates if versions[t.pk]]


# --- the history of checklists ---------------------------------------------------------


@dataclass
class _Times:
    """Aware datetimes of local wall-clock times, made once per zone."""

    zones: dict[str, ZoneInfo] = field(default_factory=dict)

    def at(self, day: date, zone: str, hour: int, minute: int = 0) -> datetime:
        tz = self.zones.get(zone)
        if tz is None:
            tz = self.zones[zone] = ZoneInfo(zone)
        return datetime.combine(day, time(hour, minute), tzinfo=tz)


def _working_days(start: date, end: date, working_days: Iterable[int]) -> list[date]:
    days, day, wanted = [], start, set(working_days)
    while day <= end:
        if day.isoweekday() in wanted:
            days.append(day)
        day += timedelta(days=1)
    return days


def _verifiers() -> dict[int, int]:
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


class _ChecklistHistory:
    def __init__(self, writer: _Writer, *, now: datetime, days: int, org: _Org, rng) -> None:
        self.writer, self.now, self.days, self.org, self.rng = writer, now, days, org, rng
        # Its own draws, so the days' ticks and misses stay those of the main sequence.
        self.late_rng = random.Random(RANDOM_SEED + 1)
        self.times = _Times()
        self.reasons = {reason.label: reason.pk for reason in MissReason.objects.all()}
        self.reason_labels = list(MISS_REASON_WEIGHTS)
        self.reason_weights = list(MISS_REASON_WEIGHTS.values())
        self.checklist_ids = writer.ids(Checklist)
        self.check_ids = writer.ids(Check)
        self.checklists = _Buffer(
            writer,
            Checklist,
            ["id", "owner_id", "date", "time_zone", "issued_at", "verified_by_id", "verified_at"],
        )
        self.checks = _Buffer(
            writer,
            Check,
            [
                "id", "checklist_id", "owner_id", "item_id", "position", "status", "done_at",
                "actual_minutes", "miss_reason_id", "miss_reason_text", "miss_note",
                "verification", "verification_comment", "verified_by_id", "countermeasure",
            ],
        )  # fmt: skip
        self.events = _Buffer(
            writer, CheckEvent, ["check_item_id", "actor_id", "kind", "text", "at"]
        )
        self.absences = _Buffer(
            writer,
            Absence,
            ["person_id", "start_date", "end_date", "reason", "created_by_id", "created_at"],
        )
        self.due_cache: dict[tuple, list[TemplateItem]] = {}

    def build(self) -> None:
        places = person_places()
        calendars = _template_calendars()
        verifier_of = _verifiers()
        first_issued = dict(
            Checklist.objects.values("owner_id")
            .annotate(first=Min("date"))
            .values_list("owner_id", "first")
        )
        scale_people = set(
            User.objects.filter(email__iendswith="@" + SCALE_EMAIL_DOMAIN).values_list(
                "pk", flat=True
            )
        )
        absent = self._absences(places, scale_people)
        for user_id in sorted(places):
            place = places[user_id]
            today = calendar.local_date(self.now, place.time_zone)
            start = self.org.joined.get(user_id, today - timedelta(days=self.days))
            end = today - timedelta(days=1)
            if user_id in first_issued:
                end = min(end, first_issued[user_id] - timedelta(days=1))
            diligence = self.rng.uniform(-0.06, 0.06)
            for day in _working_days(start, end, place.working_days):
                if day in absent[user_id]:
                    continue
                items = self._due(calendars, place, day)
                if items:
                    self._day(user_id, place, day, items, diligence, verifier_of.get(user_id))
            if self.checks.full() or self.events.full():
                self._flush()
        self._flush()
        self.absences.flush()

    def _flush(self) -> None:
        self.checklists.flush()
        self.checks.flush()
        self.events.flush()

    def _absences(self, places: dict[int, PersonPlace], scale_people: set[int]) -> dict:
        """Leave for most of seed_scale's people: a week or two off, a few sick days."""
        absent: dict[int, set[date]] = defaultdict(set)
        for absence in Absence.objects.all():
            day = absence.start_date
            while day <= absence.end_date:
                absent[absence.person_id].add(day)
                day += timedelta(days=1)
        if self.days < 30:
            return absent
        for user_id in sorted(scale_people & set(places)):
            if user_id in self.org.joined:
                continue
            today = calendar.local_date(self.now, places[user_id].time_zone)
            spells = []
            if self.rng.random() < 0.7:
                spells.append((Absence.Reason.LEAVE, self.rng.randint(5, 13)))
            if self.rng.random() < 0.3:
                spells.append((Absence.Reason.SICK, self.rng.randint(1, 3)))
            for reason, length in spells:
                start = today - timedelta(days=self.rng.randint(length + 1, self.days - 1))
                end = start + timedelta(days=length - 1)
                self.absences.add(
                    (
                        user_id,
                        start,
                        end,
                        reason,
                        user_id,
                        self.times.at(start - timedelta(days=14), "UTC", 10),
                    )
                )
                day = start
                while day <= end:
                    absent[user_id].add(day)
                    day += timedelta(days=1)
        return absent

    def _due(self, calendars, place: PersonPlace, day: date) -> list[TemplateItem]:
        key = (place.scopes, place.working_days, day)
        items = self.due_cache.get(key)
        if items is None:
            items = [
                item
                for template_calendar in calendars
                if _template_applies(template_calendar.template, place)
                for item in template_calendar.items_on(day)
                if calendar.is_due(item, day, place.working_days)
            ]
            self.due_cache[key] = items
        return items

    def _day(self, user_id, place, day, items, diligence, verifier_id) -> None:
        rng, zone, at = self.rng, place.time_zone, self.times.at
        checklist_id = next(self.checklist_ids)
        morning = at(day, zone, 8, 30)
        checks = []
        for position, item in enumerate(items):
            check_id = next(self.check_ids)
            roll = rng.random()
            if roll < TICK_SHARE + diligence:
                done_at = morning + timedelta(minutes=35 * position + rng.randint(0, 30))
                checks.append([check_id, item, "done", done_at, ""])
                self.events.add((check_id, user_id, "tick", "", done_at))
            elif roll < TICK_SHARE + MISS_SHARE + diligence:
                missed_at = at(day, zone, 16, 30) + timedelta(minutes=rng.randint(0, 60))
                if rng.random() < 0.1:
                    reason_text, note = rng.choice(TYPED_REASONS)
                    reason_id = None
                else:
                    label = rng.choices(self.reason_labels, weights=self.reason_weights)[0]
                    reason_id = self.reasons.get(label)
                    reason_text = "" if reason_id else label
                    note = rng.choice(MISS_NOTES[label])
                checks.append([check_id, item, "missed", None, (reason_id, reason_text, note)])
                self.events.add(
                    (check_id, user_id, "miss", f"{reason_text or label}: {note}", missed_at)
                )
            else:
                checks.append([check_id, item, "open", None, ""])
        verified_by = verified_at = None
        verification = {check[0]: ("none", "", None, "") for check in checks}
        not_done = [check for check in checks if check[2] != "done"]
        if verifier_id is not None:
            if rng.random() < COUNTERMEASURE_SHARE and not_done:
                check = rng.choice(not_done)
                asked = at(day, zone, 17, 30) + timedelta(minutes=rng.randint(0, 30))
                comment = COUNTERMEASURE_REQUESTS[1 if check[2] == "open" else 0]
                self.events.add((check[0], verifier_id, "request", comment, asked))
                state, answer = "requested", ""
                if day < self.now.date() - timedelta(days=3) and (
                    rng.random() < COUNTERMEASURE_RECORDED_SHARE
                ):
                    state, answer = "recorded", rng.choice(COUNTERMEASURES)
                    recorded = at(day + timedelta(days=1), zone, 8, 45)
                    self.events.add((check[0], user_id, "record", answer, recorded))
                verification[check[0]] = (state, comment, verifier_id, answer)
            elif rng.random() < CONFIRM_SHARE and all(c[2] != "open" for c in checks):
                verified_by = verifier_id
                verified_at = at(day, zone, 17, 0) + timedelta(minutes=rng.randint(0, 45))
                for check in checks:
                    verification[check[0]] = ("confirmed", "", verifier_id, "")
                    self.events.add((check[0], verifier_id, "confirm", "", verified_at))
            # A red stays on the verification board until its countermeasure is recorded;
            # as in the demo, the layer above asked about most older misses and heard back.
            if day < self.now.date() - timedelta(days=RECENT_DAYS):
                for check in not_done:
                    if verification[check[0]][0] not in ("none", "confirmed"):
                        continue
                    if self.late_rng.random() >= LATE_COUNTERMEASURE_SHARE:
                        continue
                    comment = COUNTERMEASURE_REQUESTS[1 if check[2] == "open" else 0]
                    answer = self.late_rng.choice(COUNTERMEASURES)
                    asked = at(day + timedelta(days=1), zone, 9, 30)
                    self.events.add((check[0], verifier_id, "request", comment, asked))
                    self.events.add(
                        (check[0], user_id, "record", answer, asked + timedelta(hours=2))
                    )
                    verification[check[0]] = ("recorded", comment, verifier_id, answer)
        self.checklists.add(
            (
                checklist_id,
                user_id,
                day,
                zone,
                at(day, zone, 0, 5),
                verified_by,
                verified_at,
            )
        )
        for position, (check_id, item, status, done_at, miss) in enumerate(checks):
            state, comment, by, answer = verification[check_id]
            reason_id, reason_text, note = miss if miss else (None, "", "")
            self.checks.add(
                (
                    check_id, checklist_id, user_id, item.pk, position, status, done_at,
                    item.expected_minutes if status == "done" else None,
                    reason_id, reason_text, note, state, comment, by, answer,
                )
            )  # fmt: skip


# --- stand-ups, actions, impediments ------------------------------------------------------


class _RhythmHistory:
    def __init__(self, writer: _Writer, *, now: datetime, days: int, org: _Org, rng) -> None:
        self.writer, self.now, self.days, self.org, self.rng = writer, now, days, org, rng
        self.times = _Times()
        self.standup_ids = writer.ids(Standup)
        self.standups = _Buffer(
            writer,
            Standup,
            ["id", "team_id", "date", "starts_at", "opened_at", "started_at", "ended_at",
             "notes", "logged_by_id"],
        )  # fmt: skip
        self.attendance = _Buffer(writer, StandupAttendance, ["standup_id", "person_id", "present"])
        self.actions = _Buffer(
            writer,
            Action,
            ["team_id", "title", "owner_id", "due_date", "source", "standup_id", "cycle_id",
             "created_by_id", "created_at", "done_at", "done_by_id"],
        )  # fmt: skip
        self.impediments = _Buffer(
            writer,
            Impediment,
            ["team_id", "title", "description", "raised_by_id", "raised_at", "standup_id",
             "state", "removed_how", "removed_at", "removed_by_id", "escalated_at",
             "escalated_by_id", "escalated_to_id", "escalation_reason", "escalation_answer",
             "answered_at", "answered_by_id"],
        )  # fmt: skip

    def build(self) -> None:
        teams = list(
            Team.objects.filter(kind=Team.Kind.SALES_MARKETING, coordinator__isnull=False)
            .prefetch_related("value_streams")
            .order_by("pk")
        )
        first_standup = dict(
            Standup.objects.values("team_id")
            .annotate(first=Min("date"))
            .values_list("team_id", "first")
        )
        people: dict[int, list[int]] = defaultdict(list)
        for membership in Membership.objects.order_by("team_id", "-role", "user__first_name"):
            # "member" sorts after "leader" descending: the Team Leader first.
            people[membership.team_id].append(membership.user_id)
        for team in teams:
            team_people = people.get(team.pk)
            if not team_people:
                continue
            today = calendar.local_date(self.now, team.time_zone)
            start = today - timedelta(days=NEW_TEAM_DAYS if self.org.is_new(team) else self.days)
            end = today - timedelta(days=1)
            if team.pk in first_standup:
                end = min(end, first_standup[team.pk] - timedelta(days=1))
            vsm_id = min((stream.vsm_id for stream in team.value_streams.all()), default=None)
            for day in _working_days(start, end, team.working_days):
                self._standup(team, team_people, vsm_id, day, today)
            if self.attendance.full():
                self._flush()
        self._flush()

    def _flush(self) -> None:
        self.standups.flush()
        self.attendance.flush()
        self.actions.flush()
        self.impediments.flush()

    def _standup(self, team: Team, people: list[int], vsm_id, day: date, today: date) -> None:
        rng, tc = self.rng, team.coordinator_id
        starts = datetime.combine(day, team.standup_time, tzinfo=ZoneInfo(team.time_zone))
        standup_id = next(self.standup_ids)
        self.standups.add(
            (
                standup_id, team.pk, day, starts, starts - timedelta(minutes=60), starts,
                starts + timedelta(minutes=rng.randint(9, 15)), rng.choice(STANDUP_NOTES), tc,
            )
        )  # fmt: skip
        for person in people:
            self.attendance.add((standup_id, person, rng.random() < PRESENT_SHARE))
        if rng.random() < ACTION_SHARE:
            due = day + timedelta(days=rng.randint(1, 4))
            owner = rng.choice(people)
            done = due < today and rng.random() < 0.8
            finished = datetime.combine(due, time(16), tzinfo=ZoneInfo(team.time_zone))
            self.actions.add(
                (
                    team.pk, rng.choice(ACTIONS), owner, due, Action.Source.STANDUP, standup_id,
                    None, tc, starts, finished if done else None, owner if done else None,
                )
            )  # fmt: skip
        if rng.random() < IMPEDIMENT_SHARE:
            title, how = rng.choice(IMPEDIMENTS)
            removed_on = day + timedelta(days=rng.randint(1, 6))
            removed_at = datetime.combine(removed_on, time(12), tzinfo=ZoneInfo(team.time_zone))
            state, removed = Impediment.State.OPEN, ("", None, None)
            roll = rng.random()
            if removed_at < self.now and roll < 0.75:
                state, removed = Impediment.State.REMOVED, (how, removed_at, tc)
            elif roll < 0.9:
                state = Impediment.State.IN_PROGRESS
            escalated = (None, None, None, "")
            answered = ("", None, None)
            if vsm_id is not None and rng.random() < 0.06:
                at = starts + timedelta(hours=2)
                escalated = (at, tc, vsm_id, "Needs a decision the TC cannot take.")
                if state == Impediment.State.REMOVED or at < self.now - timedelta(days=2):
                    answer = "Decided at the weekly review; the team goes ahead."
                    answered = (answer, at + timedelta(hours=6), vsm_id)
            self.impediments.add(
                (team.pk, title, "", rng.choice(people), starts, standup_id, state, *removed,
                 *escalated, *answered)
            )  # fmt: skip


# --- improvement: cycles and control points -----------------------------------------------

CYCLE_TOPICS = [
    ("Call in the morning to reach more engineers", "Connect rate on afternoon calls is low.",
     "Engineers are at their desks before 10:00.", "Connect rate of 20% or more"),
    ("Fewer no-shows for booked meetings", "One booked meeting in four does not happen.",
     "A reminder call the day before keeps the slot.", "No-show rate under 10%"),
    ("Faster handoff of qualified prospects", "Prospects wait three days for Key Accounts.",
     "A shared handoff checklist removes the back-and-forth.", "Handoff within one day"),
    ("Keep the call-outcome standard", "Outcomes must be logged the same day.",
     "The standard holds when the TL checks it daily.", "95% logged the same day"),
]  # fmt: skip


def _improvement(writer: _Writer, org: _Org, *, now: datetime, days: int, rng) -> None:
    cycle_ids = writer.ids(Cycle)
    point_ids = writer.ids(ControlPoint)
    cycles, events, actions, points = [], [], [], []
    per_team = max(1, days // 120)
    for team in org.teams:
        people = org.people[team.pk]
        leader, tc = people[0], team.coordinator_id
        zone = ZoneInfo(team.time_zone)
        today = calendar.local_date(now, team.time_zone)
        length = NEW_TEAM_DAYS if org.is_new(team) else days
        ids = [next(cycle_ids) for _ in range(per_team)]
        for index, cycle_id in enumerate(ids):
            title, problem, hypothesis, target = CYCLE_TOPICS[(team.pk + index) % len(CYCLE_TOPICS)]
            kind = Cycle.Kind.SDCA if title.startswith("Keep") else Cycle.Kind.PDCA
            started = datetime.combine(
                today - timedelta(days=length - length * index // per_team), time(11), tzinfo=zone
            )
            last = index == per_team - 1
            phases = ["plan", "do", "check", "act", "closed"]
            reached = phases[rng.randint(1, 3)] if last else "closed"
            outcome = note = corrective = ""
            follow_up = None
            if reached == "closed":
                if kind == Cycle.Kind.SDCA:
                    outcome = rng.choice([Cycle.Outcome.STANDARD_HOLDS, Cycle.Outcome.CORRECTED])
                    if outcome == Cycle.Outcome.CORRECTED:
                        corrective = "Retrained the team on logging outcomes after each call."
                elif index + 1 < per_team and rng.random() < 0.5:
                    outcome, follow_up = Cycle.Outcome.FOLLOW_UP, ids[index + 1]
                else:
                    outcome = Cycle.Outcome.ABANDON
                note = "Decided at the weekly review."
            step = timedelta(days=max(1, min(length, 120) // 8))
            moves = phases[: phases.index(reached) + 1]
            closed_at = started + step * (len(moves) - 1) if reached == "closed" else None
            cycles.append(
                (
                    cycle_id, kind, team.pk, team.stages[0] if team.stages else "", title,
                    problem, hypothesis, target, reached,
                    "Measured for two weeks." if reached in ("act", "closed") else "",
                    outcome, note, corrective, follow_up, leader, started, closed_at,
                )
            )  # fmt: skip
            for position, (before, after) in enumerate(zip(moves, moves[1:], strict=False)):
                events.append(
                    (cycle_id, leader, before, after, "", started + step * (position + 1))
                )
            if "do" in moves:
                due = (started + step).date() + timedelta(days=3)
                done = reached != "do" or due < today
                actions.append(
                    (
                        team.pk, f"Try it: {title.lower()}", leader, due, Action.Source.CYCLE,
                        None, cycle_id, leader, started + step,
                        datetime.combine(due, time(16), tzinfo=zone) if done else None,
                        leader if done else None,
                    )
                )  # fmt: skip
        points.append(
            (next(point_ids), team.pk, ids[0], "Calls per day", "calls",
             Decimal(55), Decimal(30), Decimal(90), True, tc, now - timedelta(days=length + 1))
        )  # fmt: skip
        points.append(
            (next(point_ids), team.pk, None, "Meetings booked", "meetings",
             Decimal(3), None, None, True, tc, now - timedelta(days=length + 1))
        )  # fmt: skip
    # Follow-ups point forward, so cycles are written before anything refers to them.
    writer.write(
        Cycle,
        ["id", "kind", "team_id", "stage", "title", "problem", "hypothesis", "target", "phase",
         "check_result", "outcome", "outcome_note", "corrective_action", "follow_up_id",
         "created_by_id", "created_at", "closed_at"],
        [(*row[:13], None, *row[14:]) for row in cycles],
    )  # fmt: skip
    for row in cycles:
        if row[13] is not None:
            Cycle.objects.filter(pk=row[0]).update(follow_up_id=row[13])
    writer.write(
        CycleEvent, ["cycle_id", "actor_id", "from_phase", "to_phase", "note", "at"], events
    )
    writer.write(
        Action,
        ["team_id", "title", "owner_id", "due_date", "source", "standup_id", "cycle_id",
         "created_by_id", "created_at", "done_at", "done_by_id"],
        actions,
    )  # fmt: skip
    writer.write(
        ControlPoint,
        ["id", "team_id", "cycle_id", "name", "unit", "target", "lower_limit", "upper_limit",
         "is_active", "created_by_id", "created_at"],
        points,
    )  # fmt: skip


def _measurements(writer: _Writer, *, now: datetime, days: int, org: _Org, rng) -> None:
    """A value per working day for every control point, before its first measurement."""
    first = dict(
        Measurement.objects.values("control_point_id")
        .annotate(first=Min("measured_on"))
        .values_list("control_point_id", "first")
    )
    buffer = _Buffer(
        writer,
        Measurement,
        ["control_point_id", "value", "measured_on", "entered_by_id", "entered_at",
         "out_of_limits", "signal"],
    )  # fmt: skip
    points = ControlPoint.objects.select_related("team").order_by("pk")
    for point in points:
        team = point.team
        today = calendar.local_date(now, team.time_zone)
        start = today - timedelta(days=NEW_TEAM_DAYS if org.is_new(team) else days)
        end = min(today, first.get(point.pk, today)) - timedelta(days=1)
        target = float(point.target or 10)
        zone = ZoneInfo(team.time_zone)
        for day in _working_days(start, end, team.working_days):
            value = Decimal(max(0, round(rng.gauss(target, target * 0.12))))
            entered = datetime.combine(day, time(18), tzinfo=zone)
            # Flags are written by the one judgement of the series, below.
            buffer.add((point.pk, value, day, team.coordinator_id, entered, False, ""))
        if buffer.full():
            buffer.flush()
    buffer.flush()
    for point in points:
        cycle_services.control_point_judge(control_point_id=point.pk)


# --- the seed ------------------------------------------------------------------------


def scale_seed(
    *, sizes: ScaleSizes, now: datetime | None = None, progress: Progress | None = None
) -> ScaleSummary:
    """Build the scaled organisation and a year of history, in one transaction.

    Raises ScaleRefused, having written nothing, when the database holds
    anything but the demo, or already a scaled organisation.
    """
    problems = sizes.problems()
    if problems:
        raise ScaleRefused(f"Sizes too small: need {'; '.join(problems)}.")
    now = now or timezone.now()
    summary = ScaleSummary()
    report = progress or (lambda label, seconds, detail: None)
    rng = random.Random(RANDOM_SEED)
    with transaction.atomic():
        _refuse_unless_fresh()
        writer = _Writer()
        standard_defaults_ensure()
        before = _counts()

        def phase(label: str, action: Callable[[], str | None]) -> None:
            started = clock.perf_counter()
            detail = action() or ""
            seconds = clock.perf_counter() - started
            summary.phases.append((label, seconds))
            report(label, seconds, detail)

        org_box: list[_Org] = []

        def organisation() -> str:
            org_box.append(_organisation(sizes, now=now, rng=rng))
            # Written in bulk, without the signals that tell the places' cache.
            organisation_changed()
            org = org_box[0]
            return f"{len(org.value_streams)} value streams, {len(org.teams)} teams"

        phase("organisation", organisation)
        org = org_box[0]
        phase(
            "standard work",
            lambda: f"{_standard_work(org, sizes, now=now)} templates",
        )
        phase(
            "checklists, checks, events, leave",
            lambda: _ran(_ChecklistHistory(writer, now=now, days=sizes.days, org=org, rng=rng)),
        )
        phase(
            "stand-ups, attendance, actions, impediments",
            lambda: _ran(_RhythmHistory(writer, now=now, days=sizes.days, org=org, rng=rng)),
        )

        def improvement() -> None:
            _improvement(writer, org, now=now, days=sizes.days, rng=rng)
            _measurements(writer, now=now, days=sizes.days, org=org, rng=rng)

        phase("cycles, control points, measurements", improvement)

        phase("sequences", lambda: writer.finish())
        # A year of checks written in bulk, into weeks a summary may already count (the
        # demo's): those weeks are counted live again until the tick recounts them.
        SummarisedWeek.objects.update(stale=True)
        after = _counts()
        summary.created = {
            label: after[label] - before.get(label, 0)
            for label in after
            if after[label] != before.get(label, 0)
        }
        committing = clock.perf_counter()
    # PostgreSQL checks the deferred foreign keys of every row at the commit.
    seconds = clock.perf_counter() - committing
    summary.phases.append(("commit", seconds))
    report("commit", seconds, "foreign keys checked")
    if connection.vendor == "postgresql":
        # Plans for the pages come from statistics of the tables as they now are.
        phase("statistics (ANALYZE)", lambda: _analyze())
    return summary


def _analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _ran(builder) -> None:
    builder.build()


COUNTED: list[type[Model]] = [
    User, ValueStream, Team, Membership, StandardWorkTemplate, TemplateVersion, TemplateItem,
    Absence, Checklist, Check, CheckEvent, Standup, StandupAttendance, Action, Impediment,
    Cycle, CycleEvent, ControlPoint, Measurement,
]  # fmt: skip


def _counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in COUNTED}
