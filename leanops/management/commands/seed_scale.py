"""`manage.py seed_scale`: an organisation at scale with a year of history (leanops.scale).

For `make bench`, on a database of its own: it refuses one that holds
anything but the demo. Prints its time per phase and in total.
"""

from django.core.management.base import BaseCommand, CommandError

from leanops.scale import SCALE_EMAIL_DOMAIN, ScaleRefused, ScaleSizes, scale_seed

DEFAULTS = ScaleSizes()


class Command(BaseCommand):
    help = (
        "Build a large organisation (value streams, teams, people) with a year of standard "
        "work, stand-ups, impediments, actions, cycles and measurements, written in bulk, "
        "and a year of history before the demo's for the demo's people when the demo is "
        "there. Only on an empty database or one with just the demo (seed_demo); its people "
        f"have e-mail addresses at {SCALE_EMAIL_DOMAIN} and the demo's password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--value-streams", type=int, default=DEFAULTS.value_streams)
        parser.add_argument("--teams", type=int, default=DEFAULTS.teams)
        parser.add_argument(
            "--people",
            type=int,
            default=DEFAULTS.people,
            help="Everyone: VSMs, Team Coordinators (one per 4 teams), leaders and members.",
        )
        parser.add_argument(
            "--days", type=int, default=DEFAULTS.days, help="Days of history before today."
        )

    def handle(self, *args, value_streams, teams, people, days, **options):
        sizes = ScaleSizes(value_streams=value_streams, teams=teams, people=people, days=days)
        self.stdout.write(
            f"seed_scale: {sizes.value_streams} value streams, {sizes.teams} teams, "
            f"{sizes.people} people, {sizes.days} days of history"
        )

        def progress(label: str, seconds: float, detail: str) -> None:
            self.stdout.write(f"  {label:<46} {seconds:7.1f} s  {detail}".rstrip())

        try:
            summary = scale_seed(sizes=sizes, progress=progress)
        except ScaleRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        created = ", ".join(
            f"{rows:,} {label.split('.')[1]}" for label, rows in summary.created.items()
        )
        self.stdout.write(f"  created: {created}")
        self.stdout.write(self.style.SUCCESS(f"seed_scale: done in {summary.seconds:.1f} s"))
