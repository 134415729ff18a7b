"""`python -m bench.engine` (part of make bench): the campaign engine's throughput.

On its own PostgreSQL database (DATABASE_URL's server, the name with
`_engine_bench`; created, marked and dropped like the page bench's), it seeds
BENCH_ENGINE_ENROLLMENTS (default 100,000) enrolments whose first step, an
auto-responder, is due, runs the engine's tick until nothing is due (emails to
the local-memory backend) and reports steps executed per second and the time
of the first and the last batch. Targets (issue 10): at least 1,000 steps/s,
the last batch no slower than 1.2x the first. Writes var/bench/engine.json;
exit 1 when a target is missed, 2 when the bench could not run.
"""

import json
import os
import sys
import time
from datetime import UTC, datetime

from bench.run import (
    BASE_DIR,
    BENCH_DIR,
    DEFAULT_DATABASE_URL,
    BenchError,
    bench_database,
    database_create,
    database_drop,
    environment,
    postgres_version,
)

ENROLLMENTS = int(os.environ.get("BENCH_ENGINE_ENROLLMENTS", "100000"))
BATCH = 200
TARGET_STEPS_PER_SECOND = 1000
TARGET_LAST_OVER_FIRST = 1.2


def seed(count: int) -> int:
    """An organisation of one team, a campaign with an auto-responder, `count` prospects
    enrolled and due."""
    from django.utils import timezone

    from roles.models import Membership, Team, User, ValueStream
    from valuestream.models import Enrollment, Prospect, Step
    from valuestream.services import campaigns as campaign_services

    vsm = User.objects.create(username="bench.vsm", email="vsm@bench.example")
    leader = User.objects.create(username="bench.leader", email="leader@bench.example")
    value_stream = ValueStream.objects.create(name="Bench", market="Bench", vsm=vsm)
    team = Team.objects.create(name="Bench team", coordinator=None)
    team.value_streams.add(value_stream)
    Membership.objects.create(team=team, user=leader, role=Membership.Role.LEADER)
    campaign = campaign_services.campaign_create(
        actor=vsm, team=team, value_stream=value_stream, name="Bench", event_kind="webinar",
        event_name="Bench", event_date=timezone.localdate(), sender=leader,
    )  # fmt: skip
    step = campaign_services.step_add(
        actor=vsm, campaign=campaign, kind=Step.Kind.AUTO_RESPONDER, subject="Hello",
        body="Dear {{first_name}}, thank you.",
    )  # fmt: skip
    due = datetime(2020, 1, 6, 9, tzinfo=UTC)
    for start in range(0, count, 5000):
        prospects = Prospect.objects.bulk_create(
            Prospect(first_name=f"P{n}", email=f"p{n}@bench.example", team=team)
            for n in range(start, min(count, start + 5000))
        )
        Enrollment.objects.bulk_create(
            Enrollment(campaign=campaign, prospect=p, next_step=step, next_due_at=due,
                       enrolled_at=due, caller=leader)
            for p in prospects
        )  # fmt: skip
    return Enrollment.objects.count()


def main() -> int:
    os.chdir(BASE_DIR)
    sys.path.insert(0, str(BASE_DIR))
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    try:
        database = bench_database(url)
    except BenchError as error:
        print(f"bench.engine: {error}", file=sys.stderr)
        return 2
    database = type(database)(
        url=database.url.replace(f"/{database.name}", f"/{database.name[:-6]}_engine_bench"),
        name=f"{database.name[:-6]}_engine_bench",
        admin_url=database.admin_url,
    )
    created = False
    try:
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        (BENCH_DIR / "broker").mkdir(parents=True, exist_ok=True)
        database_create(database)
        created = True
        os.environ.update(environment(database))
        os.environ["VALUESTREAM_DAILY_EMAIL_CAP"] = str(10 * ENROLLMENTS)
        import django

        django.setup()
        from django.core import mail
        from django.core.management import call_command

        from valuestream.services import engine

        call_command("migrate", verbosity=0)
        print(f"Seeding {ENROLLMENTS:,} due enrolments on {database.name}", flush=True)
        seeded = seed(ENROLLMENTS)
        batches: list[tuple[int, float]] = []
        mail.outbox = []
        started = time.perf_counter()
        result = engine.campaign_steps_run_due(
            batch_size=BATCH,
            email_backend="django.core.mail.backends.locmem.EmailBackend",
            on_batch=lambda taken, seconds: batches.append((taken, seconds)),
        )
        seconds = time.perf_counter() - started
        full = [b for b in batches if b[0] == BATCH] or batches
        first, last = full[0][1], full[-1][1]
        rate = result.executed / seconds if seconds else 0.0
        report = {
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "enrollments": seeded,
            "steps_executed": result.executed,
            "emails_sent": len(mail.outbox),
            "seconds": round(seconds, 2),
            "steps_per_second": round(rate, 1),
            "batch_size": BATCH,
            "batches": len(batches),
            "first_batch_seconds": round(first, 4),
            "last_batch_seconds": round(last, 4),
            "last_over_first": round(last / first, 2) if first else None,
            "machine": {
                "cpus": os.cpu_count(),
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "postgresql": postgres_version(database),
            },
        }
        report["targets"] = {
            f"at least {TARGET_STEPS_PER_SECOND} steps/s": rate >= TARGET_STEPS_PER_SECOND,
            f"last batch at most {TARGET_LAST_OVER_FIRST}x the first": bool(first)
            and last <= TARGET_LAST_OVER_FIRST * first,
        }
        (BENCH_DIR / "engine.json").write_text(json.dumps(report, indent=2) + "\n")
        print(
            f"Engine: {result.executed:,} steps in {seconds:.1f} s = {rate:,.0f} steps/s; "
            f"first batch {first * 1000:.0f} ms, last {last * 1000:.0f} ms "
            f"({report['last_over_first']}x); {len(mail.outbox):,} emails"
        )
        missed = [target for target, met in report["targets"].items() if not met]
        for target in missed:
            print(f"bench.engine: target missed: {target}", file=sys.stderr)
        return 1 if missed else 0
    except BenchError as error:
        print(f"bench.engine: {error}", file=sys.stderr)
        return 2
    finally:
        if created and not os.environ.get("BENCH_KEEP_DATABASE"):
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # noqa: BLE001 - Django may not be set up yet
                pass
            database_drop(database)


if __name__ == "__main__":
    sys.exit(main())
