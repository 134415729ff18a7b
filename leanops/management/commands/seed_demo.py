"""`manage.py seed_demo`: the demo organisation and its standard work.

The command lives in leanops because it wires the apps together: roles
builds the organisation (roles.demo), standardwork adds the standard work
and four weeks of history on top (standardwork.demo). Safe to run again: the
second run creates nothing.
"""

import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from roles.demo import ADMIN, ADMIN_USERNAME, PEOPLE, PUMPS, TEAMS, DemoError, organisation_seed
from roles.models import User
from standardwork.demo import DemoStandardWork, standard_work_seed
from standardwork.demo_rhythm import CALL_BLOCK_STANDARD, RhythmSummary, rhythm_seed
from standardwork.services.adherence import adherence_weeks_summarise
from valuestream.demo import DemoCampaigns, campaigns_seed
from valuestream.demo_reviews import DemoReviews, review_seed

DEMO_PASSWORD = "leanops-demo"
DEMO_URL = "http://127.0.0.1:8000/"
PRODUCTION_REFUSAL = (
    "seed_demo creates the superuser admin and demo logins with the published password "
    f"{DEMO_PASSWORD!r}; DEBUG is false, so this looks like a production database. "
    "Run it with --allow-production if you really want the demo here."
)


class Command(BaseCommand):
    help = (
        "Create a demo organisation (3 value streams, 6 teams, 29 people, logins vsm, "
        f"coordinator, leader, member, marcom and admin, password {DEMO_PASSWORD}) with "
        "standard work for every layer and four weeks of history. "
        "Creates only what is missing, so it is safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has any user.",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even when DEBUG is false (the demo password is public).",
        )
        parser.add_argument(
            "--url",
            default=DEMO_URL,
            help=f"The address the app is served at, for the printed logins ({DEMO_URL}).",
        )

    def handle(
        self,
        *args,
        if_empty: bool = False,
        allow_production: bool = False,
        url: str = DEMO_URL,
        **options,
    ):
        if not settings.DEMO_DATA_ALLOWED and not allow_production:
            raise CommandError(PRODUCTION_REFUSAL)
        self.url = url if url.endswith("/") else url + "/"
        if if_empty and User.objects.exists():
            self.stdout.write("seed_demo: users already exist, so nothing was created.")
            return
        started = time.monotonic()
        try:
            with transaction.atomic():
                organisation = organisation_seed(password=DEMO_PASSWORD)
                standard_work = standard_work_seed(organisation=organisation)
                rhythm = rhythm_seed(organisation=organisation)
                campaigns = campaigns_seed(organisation=organisation)
                reviews = review_seed(organisation=organisation)
        except DemoError as error:
            raise CommandError(str(error)) from error
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(f"The demo could not be built: {error}") from error
        # The dashboard's trend reads the closed weeks' summaries: count the demo's
        # weeks now, as the beat tick would within its first quarter of an hour.
        summarised = adherence_weeks_summarise()
        self._report_organisation(organisation.created)
        self._report_standard_work(standard_work, seconds=time.monotonic() - started)
        self._report_rhythm(rhythm)
        self._report_campaigns(campaigns)
        self._report_reviews(reviews)
        if summarised:
            self.stdout.write(
                self.style.SUCCESS(f"Weekly summaries: {summarised} closed weeks counted.")
            )
        self._report_logins()

    def _report_organisation(self, created: int) -> None:
        if created:
            self.stdout.write(
                self.style.SUCCESS(f"Demo organisation ready ({created} rows created).")
            )
        else:
            self.stdout.write(
                self.style.SUCCESS("Demo organisation already in place; nothing created.")
            )

    def _report_standard_work(self, result: DemoStandardWork, *, seconds: float) -> None:
        history = result.history
        if not result.templates_created and history is None:
            self.stdout.write(
                self.style.SUCCESS("Standard work already in place; nothing created.")
            )
            return
        self.stdout.write(
            self.style.SUCCESS(f"Standard work: {result.templates_created} templates created.")
        )
        improvement = result.improvement
        if improvement is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Improvement: {improvement.cycles} PDCA cycles, one adopted on "
                    f"{improvement.adopted_on:%d %B} as version 2 of {CALL_BLOCK_STANDARD}; "
                    f"{improvement.measurements} control-point measurements."
                )
            )
        if history is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"History: {history.checklists} checklists, {history.checks} items "
                    f"({history.ticked} ticked, {history.missed} missed with a reason, "
                    f"{history.left_open} left open), {history.confirmed_days} days confirmed, "
                    f"{history.countermeasures_requested} countermeasures asked for and "
                    f"{history.countermeasures_recorded} recorded, {history.absences} leave "
                    f"({seconds:.1f} s)."
                )
            )

    def _report_rhythm(self, rhythm: RhythmSummary | None) -> None:
        if rhythm is None:
            self.stdout.write(
                self.style.SUCCESS("Stand-ups and improvement work already in place.")
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Rhythm: {rhythm.standups} stand-ups, {rhythm.actions} actions, "
                f"{rhythm.impediments} impediments ({rhythm.escalations} escalated)."
            )
        )

    def _report_campaigns(self, campaigns: DemoCampaigns | None) -> None:
        if campaigns is None:
            self.stdout.write(self.style.SUCCESS("Follow-up campaigns already in place."))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Campaigns: {campaigns.campaigns} follow-up campaigns, {campaigns.prospects} "
                f"prospects, {campaigns.emails} steps run, {campaigns.calls} calls logged "
                f"({campaigns.meetings} meetings booked)."
            )
        )

    def _report_reviews(self, reviews: DemoReviews) -> None:
        if reviews.prepared is None and not reviews.past:
            self.stdout.write(self.style.SUCCESS("Weekly reviews already in place."))
            return
        prepared = reviews.prepared
        self.stdout.write(
            self.style.SUCCESS(
                f"Weekly reviews: {reviews.past} past ones with {reviews.notes} notes and "
                f"{reviews.actions} actions"
                + (
                    f"; the next one prepared for {prepared.local_start:%A %-d %B %H:%M}."
                    if prepared
                    else "."
                )
            )
        )

    def _report_logins(self) -> None:
        pumps_teams = " and ".join(spec.name for spec in TEAMS[:2])
        logins = [
            ("vsm", f"Value Stream Manager of {PUMPS}"),
            ("coordinator", f"Team Coordinator of {pumps_teams}"),
            ("leader", f"Team Leader of {TEAMS[0].name} ({TEAMS[0].time_zone})"),
            ("member", f"member of {TEAMS[0].name}"),
            ("marcom", "Marketing Communication department"),
            (ADMIN_USERNAME, f"superuser; the admin is at {self.url}admin/"),
        ]
        names = {person.username: f"{person.first_name} {person.last_name}" for person in PEOPLE}
        names[ADMIN_USERNAME] = f"{ADMIN.first_name} {ADMIN.last_name}"
        self.stdout.write(f"\nOpen {self.url} and sign in as:")
        for username, role in logins:
            self.stdout.write(f"  {username:<12} {names[username]}, {role}")
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
        self.stdout.write("Everyone else signs in as first.last, e.g. daniel.okafor.")
