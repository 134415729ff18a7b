"""The demo organisation: three value streams, six teams, 29 people and an admin.

Industrial Pumps and Building Controls are the story the README tells. The
third, Pump Service Contracts, is small on purpose (its VSM and one team with
a TC, a TL and a member) and shares no one with the others, not even the
Marketing Communication department: it is the other value stream the access
tests (tests/architecture/test_access.py) send outsiders from and to.

`organisation_seed` is safe to run again: every row is looked up by its
username or name first and only what is missing is created, through
roles.services with the demo superuser as actor. Existing people keep their
passwords. The `seed_demo` command (leanops) calls it, then adds the standard
work on top; this module knows nothing of the apps above roles.
"""

from dataclasses import dataclass, field
from datetime import time
from functools import cache, partial

from django.contrib.auth.hashers import make_password
from django.db import transaction

from roles import services
from roles.models import Membership, Stage, Team, User, ValueStream, Weekday

EMAIL_DOMAIN = "ashfordflow.example"
ADMIN_USERNAME = "admin"

Function = Membership.Function
MON_FRI = [Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY]


class DemoError(Exception):
    """The database holds something the demo cannot build on."""


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str

    @property
    def email(self) -> str:
        local = f"{self.first_name}.{self.last_name}".lower().replace("'", "").replace(" ", "")
        return f"{local}@{EMAIL_DOMAIN}"


@dataclass(frozen=True)
class ValueStreamSpec:
    name: str
    market: str
    vsm: str
    time_zone: str
    weekly_review_weekday: int
    weekly_review_time: time


@dataclass(frozen=True)
class TeamSpec:
    name: str
    kind: str
    value_streams: list[str]
    stages: list[str]
    time_zone: str
    standup_time: time
    working_days: list[int]
    coordinator: str | None = None
    leader: tuple[str, str] | None = None
    members: list[tuple[str, str]] = field(default_factory=list)


def _person(username: str, first_name: str, last_name: str) -> Person:
    return Person(username, first_name, last_name)


def _named(first_name: str, last_name: str) -> Person:
    username = f"{first_name}.{last_name}".lower().replace("'", "")
    return Person(username, first_name, last_name)


ADMIN = _person(ADMIN_USERNAME, "Alex", "Morgan")

PEOPLE = [
    # Value Stream Managers
    _person("vsm", "Margaret", "Holloway"),
    _named("Daniel", "Okafor"),
    # Team Coordinators
    _person("coordinator", "Sofia", "Marchetti"),
    _named("Rahul", "Menon"),
    # Pumps Prospecting
    _person("leader", "James", "Whitaker"),
    _person("member", "Chloe", "Bennett"),
    _named("Owen", "Gallagher"),
    _named("Harriet", "Lowe"),
    _named("Ravi", "Patel"),
    # Pumps Key Accounts
    _named("Michael", "Brennan"),
    _named("Ashley", "Turner"),
    _named("Marcus", "Johnson"),
    _named("Emily", "Zhang"),
    # Controls Demand Generation
    _named("Kavya", "Reddy"),
    _named("Arjun", "Sharma"),
    _named("Neha", "Gupta"),
    _named("Vikram", "Nair"),
    _named("Meera", "Joshi"),
    # Controls Customer Success
    _named("Laura", "Kowalski"),
    _named("Jamal", "Washington"),
    _named("Brittany", "Hayes"),
    _named("Kevin", "O'Brien"),
    # Marketing Communication
    _person("marcom", "Isabel", "Fraser"),
    _named("Tom", "Ashworth"),
    _named("Aisha", "Rahman"),
    # Pump Service Contracts: a VSM, and Service Contract Renewals' TC, TL and member
    _named("Ingrid", "Solberg"),
    _named("Tomasz", "Nowak"),
    _named("Grace", "Adeyemi"),
    _named("Lukas", "Becker"),
]

PUMPS = "Industrial Pumps"
CONTROLS = "Building Controls"
SERVICE = "Pump Service Contracts"

VALUE_STREAMS = [
    ValueStreamSpec(
        name=PUMPS,
        market="Water utilities and process plants",
        vsm="vsm",
        time_zone="Europe/London",
        weekly_review_weekday=Weekday.FRIDAY,
        weekly_review_time=time(14, 0),
    ),
    ValueStreamSpec(
        name=CONTROLS,
        market="Facility managers of hospitals, campuses and office buildings",
        vsm="daniel.okafor",
        time_zone="America/New_York",
        weekly_review_weekday=Weekday.THURSDAY,
        weekly_review_time=time(15, 0),
    ),
    ValueStreamSpec(
        name=SERVICE,
        market="Operators of installed pumps who renew maintenance and repair contracts",
        vsm="ingrid.solberg",
        time_zone="Europe/Berlin",
        weekly_review_weekday=Weekday.WEDNESDAY,
        weekly_review_time=time(11, 0),
    ),
]

TEAMS = [
    TeamSpec(
        name="Pumps Prospecting",
        kind=Team.Kind.SALES_MARKETING,
        value_streams=[PUMPS],
        stages=[Stage.IDENTIFICATION, Stage.VALUE],
        time_zone="Europe/London",
        standup_time=time(9, 0),
        working_days=MON_FRI,
        coordinator="coordinator",
        leader=("leader", Function.SALES),
        members=[
            ("member", Function.SALES),
            ("owen.gallagher", Function.SALES),
            ("harriet.lowe", Function.MARKETING),
            ("ravi.patel", Function.IT),
        ],
    ),
    TeamSpec(
        name="Pumps Key Accounts",
        kind=Team.Kind.SALES_MARKETING,
        value_streams=[PUMPS],
        stages=[Stage.ACQUISITION, Stage.RETENTION, Stage.MONITORING],
        time_zone="America/New_York",
        standup_time=time(8, 30),
        working_days=MON_FRI,
        coordinator="coordinator",
        leader=("michael.brennan", Function.SALES),
        members=[
            ("ashley.turner", Function.SALES),
            ("marcus.johnson", Function.SERVICE),
            ("emily.zhang", Function.MARKETING),
        ],
    ),
    TeamSpec(
        name="Controls Demand Generation",
        kind=Team.Kind.SALES_MARKETING,
        value_streams=[CONTROLS],
        stages=[Stage.IDENTIFICATION, Stage.VALUE, Stage.ACQUISITION],
        time_zone="Asia/Kolkata",
        standup_time=time(10, 0),
        working_days=[*MON_FRI, Weekday.SATURDAY],
        coordinator="rahul.menon",
        leader=("kavya.reddy", Function.MARKETING),
        members=[
            ("arjun.sharma", Function.SALES),
            ("neha.gupta", Function.MARKETING),
            ("vikram.nair", Function.IT),
            ("meera.joshi", Function.SALES),
        ],
    ),
    TeamSpec(
        name="Controls Customer Success",
        kind=Team.Kind.SALES_MARKETING,
        value_streams=[CONTROLS],
        stages=[Stage.RETENTION, Stage.MONITORING],
        time_zone="America/Chicago",
        standup_time=time(8, 15),
        working_days=MON_FRI,
        coordinator="rahul.menon",
        leader=("laura.kowalski", Function.SERVICE),
        members=[
            ("jamal.washington", Function.SERVICE),
            ("brittany.hayes", Function.SALES),
            ("kevin.obrien", Function.IT),
        ],
    ),
    TeamSpec(
        name="Marketing Communication",
        kind=Team.Kind.MARKETING_COMMUNICATION,
        value_streams=[PUMPS, CONTROLS],
        stages=[Stage.VALUE, Stage.ACQUISITION, Stage.RETENTION],
        time_zone="Europe/London",
        standup_time=time(9, 30),
        working_days=[Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY],
        # The department's lead heads its daily stand-up (tier 1), as a TL does.
        leader=("marcom", Function.MARKETING),
        members=[
            ("tom.ashworth", Function.MARKETING),
            ("aisha.rahman", Function.IT),
        ],
    ),
    # Last: the stand-ups seeded for the teams above keep their random draws.
    TeamSpec(
        name="Service Contract Renewals",
        kind=Team.Kind.SALES_MARKETING,
        value_streams=[SERVICE],
        stages=list(Stage),
        time_zone="Europe/Berlin",
        standup_time=time(8, 45),
        working_days=MON_FRI,
        coordinator="tomasz.nowak",
        leader=("grace.adeyemi", Function.SERVICE),
        members=[("lukas.becker", Function.SALES)],
    ),
]


@dataclass
class DemoOrganisation:
    """What organisation_seed found or built, for the seeds of the apps above."""

    admin: User
    people: dict[str, User]
    value_streams: dict[str, ValueStream]
    teams: dict[str, Team]
    created: int = 0


@cache
def _password_hash(password: str) -> str:
    # Hashed once per run: every demo login shares the one published password,
    # so a shared salt gives nothing away, and 26 slow hashes would.
    return make_password(password)


@transaction.atomic
def organisation_seed(*, password: str) -> DemoOrganisation:
    """Find or build the demo organisation; `password` is given to people it creates.

    Raises DemoError when a user named `admin` exists and is not a superuser.
    """
    builder = _Builder(password=password)
    admin = builder.user(ADMIN, superuser=True)
    if not admin.is_superuser:
        raise DemoError(
            f"A user named {ADMIN_USERNAME!r} exists and is not a superuser; "
            "seed_demo needs it to act as the administrator."
        )
    people = {person.username: builder.user(person) for person in PEOPLE}
    value_streams = {
        spec.name: builder.value_stream(spec, actor=admin, people=people) for spec in VALUE_STREAMS
    }
    teams = {}
    for spec in TEAMS:
        team = builder.team(spec, actor=admin, people=people, value_streams=value_streams)
        teams[spec.name] = team
        if spec.leader is not None:
            username, function = spec.leader
            builder.membership(
                team, people[username], Membership.Role.LEADER, function, actor=admin
            )
        for username, function in spec.members:
            builder.membership(
                team, people[username], Membership.Role.MEMBER, function, actor=admin
            )
    return DemoOrganisation(
        admin=admin,
        people=people,
        value_streams=value_streams,
        teams=teams,
        created=builder.created,
    )


class _Builder:
    def __init__(self, *, password: str) -> None:
        self.password = password
        self.created = 0

    def user(self, person: Person, *, superuser: bool = False) -> User:
        user, created = User.objects.get_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
                # A callable, so the slow hash is made only when someone is created.
                "password": partial(_password_hash, self.password),
                "is_staff": superuser,
                "is_superuser": superuser,
            },
        )
        self.created += created
        return user

    def value_stream(
        self, spec: ValueStreamSpec, *, actor: User, people: dict[str, User]
    ) -> ValueStream:
        value_stream = ValueStream.objects.filter(name=spec.name).first()
        if value_stream is not None:
            return value_stream
        self.created += 1
        return services.value_stream_create(
            actor=actor,
            name=spec.name,
            market=spec.market,
            vsm=people[spec.vsm],
            time_zone=spec.time_zone,
            weekly_review_weekday=spec.weekly_review_weekday,
            weekly_review_time=spec.weekly_review_time,
        )

    def team(
        self,
        spec: TeamSpec,
        *,
        actor: User,
        people: dict[str, User],
        value_streams: dict[str, ValueStream],
    ) -> Team:
        # The organisation has one Marketing Communication department, whatever it is called.
        existing = (
            Team.objects.filter(kind=spec.kind)
            if spec.kind == Team.Kind.MARKETING_COMMUNICATION
            else Team.objects.filter(name=spec.name)
        ).first()
        if existing is not None:
            return existing
        self.created += 1 + len(spec.value_streams)  # the team and its value-stream links
        return services.team_create(
            actor=actor,
            name=spec.name,
            kind=spec.kind,
            value_streams=[value_streams[name] for name in spec.value_streams],
            coordinator=people[spec.coordinator] if spec.coordinator else None,
            stages=[str(stage) for stage in spec.stages],
            time_zone=spec.time_zone,
            standup_time=spec.standup_time,
            working_days=[int(day) for day in spec.working_days],
        )

    def membership(self, team: Team, user: User, role: str, function: str, *, actor: User) -> None:
        if Membership.objects.filter(team=team, user=user).exists():
            return
        services.membership_create(actor=actor, team=team, user=user, role=role, function=function)
        self.created += 1
