"""`make bench`: the daily pages under load on PostgreSQL and gunicorn, against the ceiling.

1. Its own PostgreSQL database, from DATABASE_URL's server and credentials
   (default postgres://postgres@127.0.0.1:5432/leanops_bench; a name not
   ending in _bench gets it appended). It creates it, marks it with a comment
   and drops it at the end; it refuses to touch a database without that mark.
2. migrate, collectstatic, seed_demo, seed_scale (the scaled organisation,
   and a year before the demo's four weeks for the demo's people).
3. Background work timed in-process: issuing one day's checklists for
   everyone, then again (nothing may be written), opening the stand-ups due.
4. gunicorn as in production (leanops.wsgi, DEBUG=false, persistent
   connections) with production's sync workers (3) on a free loopback port, the bench's
   settings adding the ceiling page and a query-count header.
5. Per page: one request for its status, bytes and queries, a warm-up, then
   wrk -t2 -c8 for BENCH_SECONDS (default 5) with bench/wrk.lua sending the
   session cookie (and the CSRF header and HX-Request for the tick).
6. var/bench/result.json, Markdown tables, and exit 1 when one of issue 9's
   targets is missed (each printed), 2 when the bench itself could not run.

gunicorn, wrk and the database are cleaned up whatever happens (Ctrl-C, a
failure, SIGTERM).
"""

import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from io import StringIO
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from bench.load import (
    CEILING,
    CEILING_AGAIN,
    DASHBOARD_PAIR,
    HISTORY_PAIRS,
    ISSUE,
    REISSUE,
    LoadOutputError,
    PageResult,
    Timing,
    combined,
    judge,
    pages_table,
    parse_wrk,
    timings_table,
    verdicts_table,
    with_ratios,
)

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/leanops_bench"
DATABASE_MARK = "LeanOps make bench: created and dropped by each run"
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
WARM_UP_SECONDS = 1
THREADS, CONNECTIONS = 2, 8
MAX_REQUESTS = int(os.environ.get("BENCH_MAX_REQUESTS", "50000"))  # per page, both threads
# gunicorn's workers as production starts them: WEB_CONCURRENCY, default 3 in both
# docker-compose.yml and the Dockerfile (tests/leanops/test_bench.py holds them equal).
PRODUCTION_WORKERS = 3
WORKERS = int(os.environ.get("WEB_CONCURRENCY", PRODUCTION_WORKERS))
SW = "standardwork:"
# Smaller organisation for a quick look: BENCH_SCALE="value_streams teams people days".
SCALE = os.environ.get("BENCH_SCALE", "")


class BenchError(Exception):
    """The bench could not run; the message says why."""


def step(label: str, action: Callable[[], str | None]) -> None:
    started = time.perf_counter()
    detail = action()
    elapsed = time.perf_counter() - started
    print(f"  {label:<40} {elapsed:6.1f} s{f'  {detail}' if detail else ''}", flush=True)


# --- the database ----------------------------------------------------------------


@dataclass
class Database:
    url: str  # the bench database
    name: str
    admin_url: str  # the same server's maintenance database


def bench_database(url: str) -> Database:
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise BenchError(f"DATABASE_URL must be a postgres:// URL for the bench, not {url!r}")
    name = unquote(parts.path.lstrip("/")) or "leanops"
    if not name.endswith("_bench"):
        name = f"{name}_bench"
    return Database(
        url=urlunsplit(parts._replace(path=f"/{name}")),
        name=name,
        # The maintenance connection is plain psycopg: only libpq's own parameters.
        admin_url=urlunsplit(parts._replace(path="/postgres", query=_libpq_query(parts.query))),
    )


def _libpq_query(query: str) -> str:
    """The URL's query without the options LeanOps reads for Django (leanops.env)."""
    from urllib.parse import parse_qsl, urlencode

    django_only = {"prepare_threshold", "server_side_binding"}
    return urlencode([(key, value) for key, value in parse_qsl(query) if key not in django_only])


def _admin(database: Database):
    import psycopg

    return psycopg.connect(database.admin_url, autocommit=True, connect_timeout=10)


def database_create(database: Database) -> None:
    from psycopg import sql

    with _admin(database) as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [database.name],
        ).fetchone()
        if row is not None:
            if row[0] != DATABASE_MARK:
                raise BenchError(
                    f"Database {database.name} exists and was not made by the bench; "
                    "it is left alone. Point DATABASE_URL at a name that does not exist."
                )
            admin.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(database.name))
            )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database.name)))
        admin.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(database.name), sql.Literal(DATABASE_MARK)
            )
        )


def database_drop(database: Database) -> None:
    from psycopg import sql

    with _admin(database) as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [database.name],
        ).fetchone()
        if row is not None and row[0] == DATABASE_MARK:
            admin.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(database.name))
            )


def postgres_version(database: Database) -> str:
    with _admin(database) as admin:
        return admin.execute("SHOW server_version").fetchone()[0]


# --- the environment ---------------------------------------------------------------


# Production shares a Redis cache between the web workers (CACHE_URL, roles.cache);
# the bench does too when Redis answers there, else each worker keeps its own.
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/14")


def cache_url() -> str:
    parts = urlsplit(CACHE_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return CACHE_URL
    except OSError:
        pass
    return "locmem://"


def environment(database: Database) -> dict[str, str]:
    """The variables the bench process and gunicorn share (production-like, DEBUG off)."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database.url,
        "DATABASE_CONN_MAX_AGE": "600",
        "DEBUG": "false",
        "SECRET_KEY": "leanops-bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        # Plain HTTP on 127.0.0.1: no redirect to HTTPS, no HSTS.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(BENCH_DIR / "static"),
        "CELERY_BROKER_URL": f"filesystem://{BENCH_DIR / 'broker'}",
        "CACHE_URL": cache_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }


def wrk_path() -> str:
    """wrk from Debian's packages, installed when missing (as root, like CI)."""
    found = shutil.which("wrk")
    if found:
        return found
    print("  wrk is missing: apt-get install -y wrk", flush=True)
    try:
        subprocess.run(["apt-get", "update", "-qq"], check=True, timeout=300)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, timeout=300)
    except (OSError, subprocess.SubprocessError) as error:
        raise BenchError(f"wrk is missing and could not be installed ({error})") from error
    found = shutil.which("wrk")
    if not found:
        raise BenchError("wrk is missing and apt-get did not install it")
    return found


# --- the fixture --------------------------------------------------------------------


def build() -> dict:
    from django.core.management import call_command

    seed: dict = {}
    step("migrate", lambda: call_command("migrate", verbosity=0))
    step("collectstatic", lambda: call_command("collectstatic", "--noinput", verbosity=0))

    def demo() -> str:
        out = StringIO()
        # DEBUG is off as in production; the demo's published password is harmless in
        # the bench's own database, dropped at the end.
        call_command("seed_demo", stdout=out, no_color=True, allow_production=True)
        history = [line for line in out.getvalue().splitlines() if line.startswith("History:")]
        return history[0].split(" (")[0] if history else ""

    step("seed_demo", demo)

    def scale() -> str:
        out = StringIO()
        options = {}
        if SCALE:
            value_streams, teams, people, days = (int(part) for part in SCALE.split())
            options = {"value_streams": value_streams, "teams": teams, "people": people}
            options["days"] = days
        started = time.perf_counter()
        call_command("seed_scale", stdout=out, no_color=True, **options)
        seed["seed_scale_seconds"] = round(time.perf_counter() - started, 1)
        seed["seed_scale_output"] = out.getvalue().splitlines()
        for line in out.getvalue().splitlines()[1:-1]:
            print(f"    {line.strip()}")
        return out.getvalue().splitlines()[0]

    step("seed_scale", scale)
    step("a value stream with a week of history", week_value_stream)
    return seed


def week_value_stream() -> str:
    """The value stream seed_scale formed a week ago, the same shape as the first one
    (six teams, four of them of eight): the dashboard's year-vs-week pair."""
    stream = newest_value_stream()
    if stream is None:
        return "none (the scale is too small for a week-old value stream)"
    teams = stream.teams.count()
    return f"{stream.name}: {teams} teams, VSM {stream.vsm.username}"


def newest_value_stream():
    """seed_scale's newest value stream, when its teams are a week old (else None)."""
    from django.db.models import Min

    from leanops.scale import NEW_TEAM_DAYS, SCALE_EMAIL_DOMAIN
    from roles.models import ValueStream
    from standardwork.models import Checklist

    stream = (
        ValueStream.objects.filter(vsm__email__endswith=f"@{SCALE_EMAIL_DOMAIN}")
        .select_related("vsm")
        .order_by("-pk")
        .first()
    )
    if stream is None:
        return None
    first_day = Checklist.objects.filter(owner__memberships__team__value_streams=stream).aggregate(
        first=Min("date")
    )["first"]
    if first_day is None or (datetime.now(UTC).date() - first_day).days > NEW_TEAM_DAYS + 1:
        return None
    return stream


# --- background work ------------------------------------------------------------------


def _rows() -> int:
    from standardwork.models import Check, CheckEvent, Checklist

    return Checklist.objects.count() + Check.objects.count() + CheckEvent.objects.count()


def issue_moment(now: datetime) -> datetime:
    """When to time the issuing of a day: now, as the beat tick would (everyone's history
    ends on their local yesterday, so each gets their today); on a weekend, noon UTC of
    the next Monday, a working day in every zone of the organisation."""
    if now.astimezone(UTC).isoweekday() <= 5:
        return now
    day = now.astimezone(UTC).date()
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return datetime.combine(day, clock(12), tzinfo=UTC)


def background() -> list[Timing]:
    from django.utils import timezone

    from roles.models import Team
    from roles.selectors import person_places
    from standardwork.services.adherence import adherence_weeks_summarise
    from standardwork.services.checklists import checklists_issue_due
    from standardwork.services.standups import standups_open_due

    people = len(person_places())
    moment = issue_moment(timezone.now())
    timings = []
    for key, label in (
        (ISSUE, f"issue a day's checklists for {people} people"),
        (REISSUE, "issue the same day again (writes nothing)"),
    ):
        before = _rows()
        started = time.perf_counter()
        issued = checklists_issue_due(now=moment)
        seconds = time.perf_counter() - started
        timings.append(Timing(key, label, seconds, issued, _rows() - before))
    teams = Team.objects.filter(kind=Team.Kind.SALES_MARKETING).count()
    for key, label in (
        ("open_standups", f"open the stand-ups due now ({teams} teams)"),
        ("open_standups_again", "open the stand-ups again (opens none)"),
    ):
        started = time.perf_counter()
        opened = standups_open_due()
        timings.append(Timing(key, label, time.perf_counter() - started, opened))
    # The dashboard's trend reads the closed weeks' summaries the beat tick keeps.
    for key, label in (
        ("summarise_weeks", "summarise the closed weeks (the dashboard's trend)"),
        ("summarise_weeks_again", "summarise them again (counts none)"),
    ):
        started = time.perf_counter()
        weeks = adherence_weeks_summarise()
        timings.append(Timing(key, label, time.perf_counter() - started, weeks))
    return timings


# --- the pages -------------------------------------------------------------------------


@dataclass
class Page:
    key: str
    label: str
    username: str
    url_name: str
    args: tuple = ()
    post_pairs: tuple[str, str] | None = None  # tick and undo URL names, for a POST page
    check_ids: tuple[int, ...] = ()
    htmx: bool = False


def todays_checks(user) -> list[int]:
    """Today's daily items of `user`, issuing them even on their day off (a fixture)."""
    from standardwork.models import Check, Checklist, TemplateItem
    from standardwork.selectors.checklists import person_today
    from standardwork.services import checklists as checklist_services

    checklist = checklist_services.checklist_issue_today(user=user)
    if checklist is None:
        latest = Checklist.objects.filter(owner=user).order_by("-date").first()
        checklist = Checklist.objects.create(
            owner=user, date=person_today(user), time_zone=latest.time_zone
        )
        Check.objects.bulk_create(
            Check(checklist=checklist, item=check.item, position=check.position)
            for check in latest.checks.filter(item__cadence=TemplateItem.Cadence.DAILY)
        )
    return list(
        checklist.checks.filter(item__cadence=TemplateItem.Cadence.DAILY)
        .order_by("position")
        .values_list("pk", flat=True)
    )


def pages() -> list[Page]:
    from django.db.models import Min

    from leanops.scale import NEW_TEAM_DAYS, SCALE_EMAIL_DOMAIN
    from roles.models import Membership, Team, User
    from standardwork.models import Checklist, Standup
    from standardwork.services.standups import standup_open_today

    leader = User.objects.get(username="leader")
    pumps = Team.objects.get(name="Pumps Prospecting")
    standup = standup_open_today(team=pumps) or Standup.objects.filter(team=pumps).first()
    scale_teams = list(
        Team.objects.filter(coordinator__email__endswith=f"@{SCALE_EMAIL_DOMAIN}")
        .select_related("coordinator")
        .order_by("pk")
    )
    year_team, week_team = scale_teams[0], scale_teams[-1]
    first_day = Checklist.objects.filter(owner__memberships__team=week_team).aggregate(
        first=Min("date")
    )["first"]
    if first_day is None or (datetime.now(UTC).date() - first_day).days > NEW_TEAM_DAYS + 1:
        week_team = None

    def team_leader(team) -> User:
        return Membership.objects.get(team=team, role=Membership.Role.LEADER).user

    result = [
        Page(CEILING, "trivial logged-in page (the ceiling)", "leader", "bench_ceiling"),
        Page("my_standard_work", "My standard work (leader)", "leader", SW + "my_standard_work"),
        Page(
            "tick",
            "tick/undo via htmx (leader)",
            "leader",
            "standardwork:check_tick",
            post_pairs=("standardwork:check_tick", "standardwork:check_undo"),
            check_ids=tuple(todays_checks(leader)),
            htmx=True,
        ),
        Page(
            "standup",
            "stand-up page (coordinator)",
            "coordinator",
            "standardwork:standup_detail",
            args=(standup.pk,),
        ),
        Page(
            "verify_board", "verification board (coordinator)", "coordinator", SW + "verify_board"
        ),
        Page(
            "verify_board_four_teams",
            "verification board, four teams of eight",
            year_team.coordinator.username,
            "standardwork:verify_board",
        ),
        Page(
            "impediment_board",
            "impediment board (coordinator)",
            "coordinator",
            SW + "impediment_board",
        ),
        Page(
            "team_results_year",
            "team results, a year of history",
            year_team.coordinator.username,
            "standardwork:team_adherence",
            args=(year_team.pk,),
        ),
    ]
    if week_team is not None:
        result.append(
            Page(
                "team_results_week",
                "team results, a week of history",
                week_team.coordinator.username,
                "standardwork:team_adherence",
                args=(week_team.pk,),
            )
        )
    result.append(
        Page(
            "person_results_year",
            "person results, a year of history",
            year_team.coordinator.username,
            "standardwork:person_adherence",
            args=(team_leader(year_team).pk,),
        )
    )
    if week_team is not None:
        result.append(
            Page(
                "person_results_week",
                "person results, a week of history",
                week_team.coordinator.username,
                "standardwork:person_adherence",
                args=(team_leader(week_team).pk,),
            )
        )
    result += [
        Page("improvement", "improvement (coordinator)", "coordinator", "standardwork:improvement"),
        Page(
            "team_improvement",
            "improvement, Pumps Prospecting (coordinator)",
            "coordinator",
            "standardwork:team_improvement",
            args=(pumps.pk,),
        ),
        Page("value_streams", "value streams (vsm)", "vsm", "roles:value_stream_list"),
    ]
    year_stream = year_team.value_streams.order_by("pk").first()
    result.append(
        Page(
            "dashboard_year",
            "weekly dashboard, a year of history (VSM)",
            year_stream.vsm.username,
            "valuestream:value_stream_dashboard",
            args=(year_stream.pk,),
        )
    )
    week_stream = newest_value_stream()
    if week_stream is not None:
        result.append(
            Page(
                "dashboard_week",
                "weekly dashboard, a week of history (VSM)",
                week_stream.vsm.username,
                "valuestream:value_stream_dashboard",
                args=(week_stream.pk,),
            )
        )
    # The ceiling once more, last: its ratio to the first shows how much the machine's
    # speed drifted during the run (other tenants of the CPUs), which every figure shares.
    result.append(
        Page(CEILING_AGAIN, "the ceiling again, after the pages", "leader", "bench_ceiling")
    )
    return result


@dataclass
class Session:
    cookie: str
    csrf: str


def login(username: str) -> Session:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils.crypto import get_random_string

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    csrf = get_random_string(32)
    return Session(
        cookie=f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}", csrf=csrf
    )


def probe(
    base: str, path: str, session: Session, *, post: bool, htmx: bool
) -> tuple[int, int, int]:
    """One request: (status, body bytes, queries from the X-Bench-Queries header)."""
    headers = {"Cookie": session.cookie}
    if post:
        headers["X-CSRFToken"] = session.csrf
    if htmx:
        headers["HX-Request"] = "true"
    request = urllib.request.Request(
        base + path, data=b"" if post else None, headers=headers, method="POST" if post else "GET"
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            body = response.read()
            return response.status, len(body), int(response.headers.get("X-Bench-Queries", -1))
    except urllib.error.HTTPError as error:
        body = error.read()
        return error.code, len(body), int(error.headers.get("X-Bench-Queries", -1))


def run_wrk(
    wrk: str, base: str, paths: list[str], session: Session, *, post: bool, htmx: bool, seconds: int
) -> str:
    env = {
        **os.environ,
        "BENCH_METHOD": "POST" if post else "GET",
        "BENCH_PATHS": " ".join(paths),
        "BENCH_COOKIE": session.cookie,
        "BENCH_CSRF": session.csrf,
        "BENCH_HTMX": "1" if htmx else "0",
        "BENCH_MAX_REQUESTS": str(MAX_REQUESTS // THREADS),
    }
    command = [
        wrk, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(BASE_DIR / "bench" / "wrk.lua"), base + paths[0],
    ]  # fmt: skip
    completed = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=seconds + 30, check=False
    )
    if completed.returncode != 0:
        raise BenchError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()[-300:]}")
    return completed.stdout


def measure(wrk: str, base: str, page: Page) -> PageResult:
    from django.urls import NoReverseMatch, reverse

    result = PageResult(page.key, page.label)
    try:
        if page.post_pairs:
            if not page.check_ids:
                result.status, result.detail = "skipped", "no item to tick today"
                return result
            tick, undo = page.post_pairs
            paths = [reverse(tick, args=(pk,)) for pk in page.check_ids]
            paths += [reverse(undo, args=(pk,)) for pk in page.check_ids]
        else:
            paths = [reverse(page.url_name, args=page.args)]
    except NoReverseMatch:
        result.status, result.detail = "skipped", f"not available ({page.url_name})"
        return result
    result.url = paths[0]
    session = login(page.username)
    post = page.post_pairs is not None
    status, size, queries = probe(base, paths[0], session, post=post, htmx=page.htmx)
    if post:
        probe(base, paths[len(paths) // 2], session, post=True, htmx=page.htmx)  # undo it again
    result.body_bytes, result.queries = size, queries
    if status != 200:
        result.status, result.detail = "failed", f"HTTP {status} from {paths[0]}"
        return result
    run_wrk(wrk, base, paths, session, post=post, htmx=page.htmx, seconds=WARM_UP_SECONDS)
    # The queries of a warm request, as under load: the first request of a fresh server
    # also fills the shared cache (a person's place and layers). The load may have left
    # the item ticked, and a second tick changes nothing: undo it first, so the tick
    # counted is one that does its work.
    if post:
        probe(base, paths[len(paths) // 2], session, post=True, htmx=page.htmx)
    _, _, result.queries = probe(base, paths[0], session, post=post, htmx=page.htmx)
    if post:
        probe(base, paths[len(paths) // 2], session, post=True, htmx=page.htmx)
    try:
        result.load = parse_wrk(
            run_wrk(wrk, base, paths, session, post=post, htmx=page.htmx, seconds=SECONDS)
        )
    except LoadOutputError as error:
        result.status, result.detail = "failed", str(error)
    return result


def remeasure_pairs(wrk: str, base: str, subjects: list[Page], results: list[PageResult]) -> None:
    """Each year-against-week pair measured again in the other order (week, then year),
    and each page's two runs combined: an A-B-B-A order, so a machine whose speed drifts
    during the run (other tenants of the CPUs) weighs on both pages of a pair alike."""
    pages = {page.key: page for page in subjects}
    measured = {result.key: index for index, result in enumerate(results)}
    for year_key, week_key in (*HISTORY_PAIRS, DASHBOARD_PAIR):
        if year_key not in measured or week_key not in measured:
            continue
        year, week = results[measured[year_key]], results[measured[week_key]]
        if not (year.measured and week.measured):
            continue
        again = {key: measure(wrk, base, pages[key]) for key in (week_key, year_key)}
        for result in (year, week):
            second = again[result.key]
            if second.measured:
                result.load = combined(result.load, second.load)
        print(
            f"  {year.label} / {week.label}, again in the other order: "
            f"{week.load.requests_per_second / year.load.requests_per_second:.2f}x",
            flush=True,
        )


# --- gunicorn ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return probe_socket.getsockname()[1]


class Server:
    """gunicorn as docker-compose runs it, on loopback; killed with its workers on stop()."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(BENCH_DIR / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "leanops.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "--access-logfile",
                "-",
            ],  # fmt: skip
            cwd=BASE_DIR,
            env={**os.environ, **env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"gunicorn exited ({self.process.returncode}); see {self.log.name}"
                )
            try:
                with urllib.request.urlopen(self.base + "/login/", timeout=2) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer within {timeout:.0f} s; see {self.log.name}")

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        self.log.close()


# --- the run ------------------------------------------------------------------------------


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def machine(database: Database) -> dict:
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "postgresql": postgres_version(database),
        "gunicorn_workers": WORKERS,
        "cache": os.environ.get("CACHE_URL", ""),
        "wrk": f"-t{THREADS} -c{CONNECTIONS} -d{SECONDS}s",
    }


def main() -> int:
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    os.chdir(BASE_DIR)
    sys.path.insert(0, str(BASE_DIR))
    started = time.perf_counter()
    try:
        database = bench_database(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    server: Server | None = None
    created = False
    try:
        wrk = wrk_path()
        shutil.rmtree(BENCH_DIR, ignore_errors=True)
        (BENCH_DIR / "broker").mkdir(parents=True)
        print(f"Building PostgreSQL database {database.name}", flush=True)
        database_create(database)
        created = True
        env = environment(database)
        os.environ.update(env)
        import django

        django.setup()
        from django.core.cache import cache

        cache.clear()  # nothing kept from an earlier bench's database with the same ids
        seed = build()
        print("\nBackground work, in-process", flush=True)
        timings = background()
        for timing in timings:
            print(f"  {timing.label:<52} {timing.seconds:6.2f} s  {timing.result}")
        subjects = pages()
        from django.db import connections

        connections.close_all()
        server = Server(env)
        server.wait_ready()
        load_average = os.getloadavg()[0]
        if load_average > 0.5 * (os.cpu_count() or 1):
            print(
                f"  note: load average {load_average:.1f} on {os.cpu_count()} CPUs before the "
                "load: other work on this machine lowers every figure, the ceiling's too",
                flush=True,
            )
        print(
            f"\ngunicorn ({WORKERS} sync workers) on {server.base}; wrk -t{THREADS} "
            f"-c{CONNECTIONS}, {SECONDS} s per page after {WARM_UP_SECONDS} s of warm-up",
            flush=True,
        )
        results = []
        for page in subjects:
            result = measure(wrk, server.base, page)
            shown = (
                f"{result.load.requests_per_second:8.0f} req/s  p99 {result.load.p99_ms:6.1f} ms"
                if result.measured
                else f"{result.status}: {result.detail}"
            )
            print(f"  {page.label:<48} {shown}", flush=True)
            results.append(result)
        remeasure_pairs(wrk, server.base, subjects, results)
        with_ratios(results)
        verdicts = judge(results, timings)
        report = {
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(time.perf_counter() - started, 1),
            "machine": machine(database),
            "seed": seed,
            "pages": [result.as_dict() for result in results],
            "background": [timing.__dict__ for timing in timings],
            "targets": [verdict.__dict__ for verdict in verdicts],
            "passed": all(verdict.met for verdict in verdicts),
        }
        (BENCH_DIR / "result.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
        print(f"\n{pages_table(results)}\n\n{timings_table(timings)}\n\n{verdicts_table(verdicts)}")
        missed = [verdict for verdict in verdicts if not verdict.met]
        print(f"\nbench: done in {report['seconds']:.0f} s; var/bench/result.json written")
        if missed:
            print(f"bench: {len(missed)} of {len(verdicts)} targets missed:", file=sys.stderr)
            for verdict in missed:
                print(f"  - {verdict.target} (measured {verdict.measured})", file=sys.stderr)
            return 1
        print(f"bench: all {len(verdicts)} targets met")
        return 0
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    finally:
        if server is not None:
            server.stop()
        if created and not os.environ.get("BENCH_KEEP_DATABASE"):
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # noqa: BLE001 - Django may not be set up yet
                pass
            database_drop(database)
