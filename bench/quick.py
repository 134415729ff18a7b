"""`make bench-quick`: the standard-work pages with Django's test client on SQLite.

A quick look without servers; `make bench` (bench/run.py) is the real one,
on PostgreSQL and gunicorn under load.

1. A fresh SQLite database at var/bench-quick/bench.sqlite3 (DEBUG off, static
   files and a broker folder under var/bench-quick/), migrated and seeded with
   `seed_demo`.
2. `seed_scale` with a small organisation: a year of history before the demo's
   four weeks for every demo person (leader and their team included).
3. N requests per page after a warm-up, with django.test.Client: median and
   95th-percentile time, and queries per request. A page whose URL does not
   resolve yet is skipped; a page that answers with an error is reported.
"""

import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench-quick"

REQUESTS = 200
WARM_UP = 10
SECONDS_PER_PAGE = 60  # a page slower than this stops early and says how many it ran
HISTORY_DAYS = 365
TEAM = "Pumps Prospecting"


def configure() -> None:
    """Settings for the benchmark database; set before django.setup() reads them."""
    os.environ["DATABASE_URL"] = "sqlite:///var/bench-quick/bench.sqlite3"
    os.environ["CELERY_BROKER_URL"] = f"filesystem://{BENCH_DIR / 'broker'}"
    os.environ["DEBUG"] = "false"
    os.environ["SECRET_KEY"] = "leanops-bench-only-" + "x" * 40
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SESSION_COOKIE_SECURE"] = "false"
    os.environ["CSRF_COOKIE_SECURE"] = "false"
    os.environ["STATIC_ROOT"] = str(BENCH_DIR / "static")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "leanops.settings"


def step(label: str, action: Callable[[], str | None]) -> None:
    started = time.perf_counter()
    detail = action()
    elapsed = time.perf_counter() - started
    print(f"  {label:<44} {elapsed:6.1f} s{f'  {detail}' if detail else ''}", flush=True)


# --- the fixture --------------------------------------------------------------


def build_database() -> None:
    from django.core.management import call_command

    shutil.rmtree(BENCH_DIR, ignore_errors=True)
    (BENCH_DIR / "broker").mkdir(parents=True)
    print(f"Building {BENCH_DIR.relative_to(BASE_DIR)}/bench.sqlite3")
    step("migrate", lambda: call_command("migrate", verbosity=0))
    step("collectstatic", lambda: call_command("collectstatic", "--noinput", verbosity=0))

    def seed() -> str:
        out = StringIO()
        call_command("seed_demo", stdout=out, no_color=True)
        history = [line for line in out.getvalue().splitlines() if line.startswith("History:")]
        return history[0].split(" (")[0] if history else ""

    step("seed_demo", seed)
    step("seed_scale: a year of history", year_of_history)


def year_of_history() -> str:
    """A small scaled organisation, and a year before the demo's for the demo's people."""
    from django.core.management import call_command

    out = StringIO()
    call_command("seed_scale", value_streams=1, teams=2, people=20, days=HISTORY_DAYS, stdout=out)
    created = [line for line in out.getvalue().splitlines() if "created:" in line]
    return created[0].strip() if created else ""


def todays_check(user):
    """A daily item on `user`'s checklist for today, issuing one even on their day off."""
    from standardwork.models import Check, Checklist, TemplateItem
    from standardwork.selectors.checklists import person_today
    from standardwork.services import checklists as checklist_services

    checklist = checklist_services.checklist_issue_today(user=user)
    if checklist is None:
        # A weekend or leave: the fixture gives them today's daily items anyway, so the
        # tick has something to tick whichever day the benchmark runs.
        latest = Checklist.objects.filter(owner=user).order_by("-date").first()
        checklist = Checklist.objects.create(
            owner=user, date=person_today(user), time_zone=latest.time_zone
        )
        Check.objects.bulk_create(
            Check(checklist=checklist, item=check.item, position=check.position)
            for check in latest.checks.filter(item__cadence=TemplateItem.Cadence.DAILY)
        )
    return checklist.checks.filter(item__cadence=TemplateItem.Cadence.DAILY).first()


# --- the timings --------------------------------------------------------------


@dataclass
class Page:
    label: str
    username: str
    url_name: str
    args: tuple = ()
    method: str = "get"
    alternate_url_name: str | None = None  # POSTs alternate between the two URLs
    htmx: bool = False


def measure(page: Page) -> str:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    try:
        urls = [reverse(page.url_name, args=page.args)]
        if page.alternate_url_name:
            urls.append(reverse(page.alternate_url_name, args=page.args))
    except NoReverseMatch:
        return f"{page.label:<46} skipped: not available ({page.url_name})"
    client = Client()
    client.force_login(get_user_model().objects.get(username=page.username))
    headers = {"HTTP_HX_REQUEST": "true"} if page.htmx else {}
    send = getattr(client, page.method)
    ok = {200} if page.method == "get" else {200, 302}

    def request(index: int):
        return send(urls[index % len(urls)], **headers)

    for index in range(WARM_UP):
        response = request(index)
        if response.status_code not in ok:
            return f"{page.label:<46} failed: HTTP {response.status_code} from {urls[0]}"
    timings: list[float] = []
    queries: list[int] = []
    deadline = time.monotonic() + SECONDS_PER_PAGE
    for index in range(REQUESTS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = request(index)
            timings.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured))
        if response.status_code not in ok:
            return f"{page.label:<46} failed: HTTP {response.status_code} at request {index}"
        if time.monotonic() > deadline:
            break
    p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
    spread = f"{min(queries)}" if min(queries) == max(queries) else f"{min(queries)}-{max(queries)}"
    return (
        f"{page.label:<46} {len(timings):>5} {statistics.median(timings):>9.1f} "
        f"{p95:>9.1f} {spread:>9}"
    )


def pages() -> list[Page]:
    from roles.models import Team, User

    leader = User.objects.get(username="leader")
    team = Team.objects.get(name=TEAM)
    check = todays_check(leader)
    return [
        Page("GET  My standard work (leader)", "leader", "standardwork:my_standard_work"),
        Page(
            "POST tick / undo, htmx (leader)",
            "leader",
            "standardwork:check_tick",
            args=(check.pk,) if check else (0,),
            method="post",
            alternate_url_name="standardwork:check_undo",
            htmx=True,
        ),
        Page("GET  verification board (coordinator)", "coordinator", "standardwork:verify_board"),
        Page("GET  team page (leader)", "leader", "roles:team_detail", args=(team.pk,)),
    ]


def main() -> int:
    configure()
    sys.path.insert(0, str(BASE_DIR))
    os.chdir(BASE_DIR)
    import django

    django.setup()
    started = time.perf_counter()
    build_database()
    print(f"\n{REQUESTS} requests per page after {WARM_UP} warm-up requests (DEBUG off, SQLite)")
    print(f"{'page':<46} {'count':>5} {'median ms':>9} {'p95 ms':>9} {'queries':>9}")
    for page in pages():
        print(measure(page), flush=True)
    print(f"\nbench: done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":  # python -m bench.quick
    sys.exit(main())
