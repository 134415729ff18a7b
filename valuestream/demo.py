"""The demo's follow-up campaigns, built through the services (seed_demo calls it).

For Pumps Prospecting: a trade show four weeks ago and a webinar two weeks
ago, each with a few hundred prospects from a CSV import, steps run by the
engine over the past weeks (emails to the local-memory backend, not the
console), calls logged with every disposition, a call script revised half-way
(so outcomes count per version), direct mail handed to Marketing
Communication, one script-playback training with a recording, and budget,
spend and revenue for the reports. Yesterday's calls are left in the queue.
The same draws for the same date (a fixed seed); run once.
"""

import io
import random
import struct
import wave
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from roles.models import Membership, Stage, Team
from standardwork.models import Action, ControlPoint
from standardwork.services import followup
from valuestream import schedule
from valuestream.models import CallLog, Campaign, Enrollment, Handoff, Program, StepExecution
from valuestream.services import calls as call_services
from valuestream.services import campaigns as campaign_services
from valuestream.services import economics, engine, feed, handoffs, training
from valuestream.services import prospects as prospect_services

TEAM = "Pumps Prospecting"
HANDOFF_TEAM = "Pumps Key Accounts"  # serves acquisition: a qualified prospect goes there
VALUE_STREAM = "Industrial Pumps"
TRADE_SHOW = "Pump Expo 2026 follow-up"
WEBINAR = "Smart pumping webinar follow-up"
DEMO_EMAIL = "django.core.mail.backends.locmem.EmailBackend"
UTC = ZoneInfo("UTC")

FIRST = ["Ada", "Ben", "Chloe", "Dev", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jonas", "Kira",
         "Liam", "Mara", "Nils", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Viktor",
         "Wen", "Yara", "Zoe"]  # fmt: skip
LAST = ["Adler", "Byrne", "Costa", "Dahl", "Evans", "Fischer", "Garcia", "Hughes", "Ivanova",
        "Jensen", "Kowalski", "Lind", "Moreau", "Novak", "Olsen", "Patel", "Quist", "Rossi",
        "Schmidt", "Turner", "Ueda", "Vogel", "Walsh", "Young", "Zimmer"]  # fmt: skip
COMPANIES = ["Northern Water", "Rhine Utilities", "Hudson Process", "Baltic Chemicals",
             "Midlands Brewing", "Alpine Dairy", "Atlantic Desalination", "Saxon Paper",
             "Thames Works", "Lakeside Pharma", "Iberia Mining", "Nordic Heat"]  # fmt: skip
ZONES = [("Europe/London", "UK"), ("Europe/Berlin", "Germany"), ("America/New_York", "USA")]
DISPOSITIONS = [("connect", 25), ("voicemail", 33), ("call_back", 8), ("not_interested", 10),
                ("unqualified", 6), ("meeting", 18)]  # fmt: skip
SCRIPT_V1 = ("Hello {{first_name}}, this is {{caller}} from Industrial Pumps. You visited our "
             "stand at Pump Expo: what brought you to the pump-efficiency talk?\n"
             "- If energy cost: ask for their largest pumping station.\n"
             "- Offer a 30-minute site review.")  # fmt: skip
SCRIPT_V2 = ("Hello {{first_name}}, {{caller}} from Industrial Pumps: thank you for visiting our "
             "stand. One question: what does pumping cost your plant per year?\n"
             "- Listen; name the 18% saving at Rhine Utilities.\n"
             "- Offer a 30-minute site review this week or next.")  # fmt: skip


@dataclass
class DemoCampaigns:
    campaigns: int
    prospects: int
    emails: int
    calls: int
    meetings: int


def _csv(rng: random.Random, count: int, domain_tag: str) -> bytes:
    lines = ["First Name,Last Name,Company,Email,Phone,Address,City,Zip,Country,Time Zone"]
    for n in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        company = rng.choice(COMPANIES)
        zone, country = rng.choices(ZONES, weights=[55, 30, 15])[0]
        domain = company.lower().replace(" ", "") + ".example"
        lines.append(
            f"{first},{last},{company},{first.lower()}.{last.lower()}.{domain_tag}{n}@{domain},"
            f"+44 113 496 {n:04d},{n + 1} Works Road,Leeds,LS{n % 20 + 1} 1AA,{country},{zone}"
        )
    return ("\n".join(lines) + "\n").encode()


def _silence_wav(seconds: float = 1.0) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(struct.pack("<h", 0) * int(8000 * seconds))
    return out.getvalue()


def _business_days(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if schedule.is_business_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


class _Builder:
    def __init__(self, organisation, now: datetime):
        self.now = now
        self.today = now.astimezone(UTC).date()
        self.rng = random.Random(1066)
        self.team = Team.objects.prefetch_related("memberships", "value_streams").get(name=TEAM)
        self.value_stream = organisation.value_streams[VALUE_STREAM]
        self.vsm = self.value_stream.vsm
        self.leader = Membership.objects.get(team=self.team, role=Membership.Role.LEADER).user
        self.coordinator = self.team.coordinator

    def build(self) -> DemoCampaigns:
        calling = economics.program_create(
            actor=self.vsm, value_stream=self.value_stream, name="Calling program",
            kind=Program.Kind.CALLING,
        )  # fmt: skip
        script = campaign_services.script_create(
            actor=self.leader, team=self.team, name="Trade-show follow-up call", body=SCRIPT_V1
        )
        webinar_script = campaign_services.script_create(
            actor=self.leader, team=self.team, name="Webinar follow-up call",
            body="Hello {{first_name}}, thanks for joining the smart pumping webinar. Which of "
            "your sites would you monitor first?",
        )  # fmt: skip
        monday = self.today - timedelta(days=self.today.weekday())
        expo_day = monday - timedelta(days=26)  # a Wednesday four weeks ago
        webinar_day = monday - timedelta(days=12)
        expo = self._campaign(TRADE_SHOW, "trade_show", "Pump Expo 2026", expo_day, calling)
        for kind, delay, extra in [
            ("email", 0, {"subject": "Thank you for visiting us at {{event_name}}",
                          "body": "Dear {{first_name}},\n\nthank you for stopping by our stand. "
                                  "Here are the slides on pump efficiency."}),
            ("call", 2, {"script": script}),
            ("email", 3, {"subject": "{{company}}: what a site review finds",
                          "body": "Dear {{first_name}},\n\nhere is what a 30-minute review "
                                  "found at a plant like yours."}),
            ("direct_mail", 2, {"mail_item": "the printed pump catalogue",
                                "mail_cost": Decimal("6.40")}),
        ]:  # fmt: skip
            campaign_services.step_add(
                actor=self.leader, campaign=expo, kind=kind, delay_business_days=delay, **extra
            )
        webinar = self._campaign(WEBINAR, "webinar", "Smart pumping", webinar_day, None)
        for kind, delay, extra in [
            ("auto_responder", 0, {"subject": "Your recording of {{event_name}}",
                                   "body": "Dear {{first_name}},\n\nhere is the recording."}),
            ("call", 1, {"script": webinar_script}),
            ("email", 3, {"subject": "Three questions from the webinar, answered",
                          "body": "Dear {{first_name}},\n\nthe questions you asked, answered."}),
        ]:  # fmt: skip
            campaign_services.step_add(
                actor=self.leader, campaign=webinar, kind=kind, delay_business_days=delay, **extra
            )
        prospects = self._import(expo, 100, expo_day, "x")
        prospects += self._import(webinar, 70, webinar_day, "w")
        self._money(calling, expo, webinar, expo_day, webinar_day)
        late, *stats = self._run(expo_day, script, expo, webinar)
        self._direct_mail_posted()
        self._training(script)
        self._feeds()
        self._handoff()
        return DemoCampaigns(2, prospects + late, *stats)  # late: scans and registrants

    def _campaign(self, name, kind, event_name, day, program) -> Campaign:
        return campaign_services.campaign_create(
            actor=self.leader, team=self.team, value_stream=self.value_stream, name=name,
            event_kind=kind, event_name=event_name, event_date=day, program=program,
        )  # fmt: skip

    def _import(self, campaign, count, event_day, tag, *, days_after: int = 1) -> int:
        upload = prospect_services.import_start(
            actor=self.leader, team=self.team, campaign=campaign, name=f"{campaign.pk}.csv",
            content=_csv(self.rng, count, tag), queue=False,
        )  # fmt: skip
        enrolled_at = datetime.combine(
            event_day + timedelta(days=days_after), time(7, 0), tzinfo=UTC
        )
        return prospect_services.import_run(import_id=upload.pk, now=enrolled_at).created_count

    def _money(self, calling, expo, webinar, expo_day, webinar_day) -> None:
        quarter = date(self.today.year, (self.today.month - 1) // 3 * 3 + 1, 1)
        end = (quarter + timedelta(days=95)).replace(day=1) - timedelta(days=1)
        # The trade show draws on the calling program; the webinar has its own.
        for program, amount in [(calling, 33000), (webinar.program, 2500)]:
            economics.budget_allocate(
                actor=self.vsm, program=program, period_start=quarter, period_end=end,
                amount=Decimal(amount),
            )  # fmt: skip
        economics.spend_record(
            program=calling,
            spent_on=expo_day,
            amount=Decimal("11600"),
            description="Pump Expo stand and travel",
            recorded_by=self.vsm,
        )
        economics.spend_record(program=webinar.program, spent_on=webinar_day,
                               amount=Decimal("850"), description="Webinar platform",
                               recorded_by=self.vsm)  # fmt: skip
        economics.spend_record(program=calling, spent_on=self.today - timedelta(days=7),
                               amount=Decimal("4200"), description="Callers' time, four weeks",
                               recorded_by=self.vsm)  # fmt: skip

    def _direct_mail_posted(self) -> None:
        """Marketing Communication posted each catalogue the next working day; those
        due in the last two days are still on the department lead's page."""
        recent = self.today - timedelta(days=2)
        posts = Action.objects.filter(
            source=Action.Source.OTHER, title__startswith="Post ", done_at__isnull=True,
            due_date__lt=recent, team__kind=Team.Kind.MARKETING_COMMUNICATION,
        ).select_related("owner")  # fmt: skip
        for action in posts:
            posted = datetime.combine(action.due_date + timedelta(days=1), time(15, 0), tzinfo=UTC)
            followup.action_complete(actor=action.owner, action_id=action.pk, now=posted)

    def _run(self, start: date, script, expo, webinar) -> tuple[int, int, int, int]:
        """The engine's ticks and the team's calls, day by day up to the last business day.

        The trade show's script gets version 2 a week in, and the stand's badge scans typed
        in late come after it, so outcomes count per version. Late webinar registrants
        come in the day before the last, so that day's calls (and any "call back later")
        wait in the queue, the sequences still running."""
        yesterday = self.today - timedelta(days=1)
        days = _business_days(start + timedelta(days=1), yesterday)
        revised = False
        emails = late = 0
        for day in days:
            if day == days[-2]:
                late += self._import(webinar, 20, day, "late", days_after=0)
            if not revised and day >= start + timedelta(days=7):
                campaign_services.script_revise(
                    actor=self.leader, script=script, body=SCRIPT_V2,
                    note="Open with the cost question; name a reference customer.",
                )  # fmt: skip
                revised = True
                late += self._import(expo, 60, day, "scan", days_after=0)
            for hour in (8, 9, 14):  # the windows open in London, Berlin, New York
                moment = datetime.combine(day, time(hour, 5), tzinfo=UTC)
                emails += engine.campaign_steps_run_due(
                    now=moment, email_backend=DEMO_EMAIL
                ).executed
            if day < days[-1]:  # the last day's calls stay in the queue for today
                self._call(day)
        calls = CallLog.objects.filter(campaign__team=self.team)
        meetings = calls.filter(disposition="meeting").count()
        self._won()
        return late, emails, calls.count(), meetings

    def _call(self, day: date) -> None:
        due = StepExecution.objects.filter(
            status=StepExecution.Status.CALL_DUE, due_on__lte=day,
            enrollment__campaign__team=self.team,
        ).select_related("caller").order_by("pk")  # fmt: skip
        names, weights = zip(*DISPOSITIONS, strict=True)
        for index, execution in enumerate(due):
            moment = datetime.combine(day, time(10, 0), tzinfo=UTC) + timedelta(minutes=7 * index)
            disposition = self.rng.choices(names, weights=weights)[0]
            call_services.call_log(
                actor=execution.caller or self.leader, execution_id=execution.pk,
                disposition=disposition, note=self.rng.choice(
                    ["", "", "Asked for the catalogue.", "Gatekeeper; try mornings.",
                     "Budget next quarter.", "Interested in the site review."]),
                now=moment,
            )  # fmt: skip

    def _won(self) -> None:
        """A few meetings became orders: revenue attributed to the campaign's program."""
        meetings = (
            Enrollment.objects.filter(campaign__team=self.team, stop_reason="meeting")
            .select_related("campaign__program", "prospect")
            .order_by("pk")
        )
        for index, enrollment in enumerate(meetings):
            if index % 4:
                continue
            economics.revenue_attribute(
                program=enrollment.campaign.program, prospect=enrollment.prospect,
                amount=Decimal(self.rng.randrange(6000, 42000, 500)),
                won_on=self.today - timedelta(days=self.rng.randint(1, 6)), actor=self.vsm,
            )  # fmt: skip

    def _training(self, script) -> None:
        members = [m.user for m in self.team.memberships.all()]
        last_thursday = self.today - timedelta(days=(self.today.weekday() - 3) % 7 or 7)
        training.training_log(
            actor=self.coordinator, team=self.team, held_on=last_thursday,
            scripts=list(script.versions.all()), trainers=[self.coordinator, self.leader],
            attendees=members,
            notes="Played back three Pump Expo calls. Version 2 opens with the cost question; "
            "keep the reference customer short.",
            recordings=[("Call with a brewery: the cost question lands",
                         SimpleUploadedFile("expo-call.wav", _silence_wav(), "audio/wav"))],
        )  # fmt: skip

    def _feeds(self) -> None:
        for name, metric in [("Calls per day", "calls"), ("Connect rate", "connect_rate"),
                             ("Meetings booked", "meetings")]:  # fmt: skip
            point = ControlPoint.objects.filter(team=self.team, name=name).first()
            if point is not None:
                feed.feed_attach(control_point=point, metric=metric)

    def _handoff(self) -> None:
        """The meetings booked went to Key Accounts (they serve acquisition), and its
        coordinator took each in the next day. One prospect the caller qualified is
        handed to Key Accounts and still waits for the acknowledgement: the TC finds
        it on the Handoffs page."""
        for meeting in (
            Handoff.objects.filter(from_team=self.team, acknowledged_at__isnull=True)
            .select_related("to_team")
            .order_by("pk")
        ):
            handoffs.handoff_acknowledge(
                actor=meeting.to_team.coordinator, handoff_id=meeting.pk,
                now=min(meeting.handed_off_at + timedelta(days=1), self.now),
            )  # fmt: skip
        receiving = Team.objects.filter(name=HANDOFF_TEAM).first()
        member = Membership.objects.filter(
            team=self.team, role=Membership.Role.MEMBER, user__username="member"
        ).first()
        connected = CallLog.objects.filter(
            campaign__team=self.team, disposition=CallLog.Disposition.CONNECT,
            prospect__stage=Stage.IDENTIFICATION, prospect__team=self.team,
        ).order_by("-called_at", "pk")  # fmt: skip
        call = connected.first()
        if receiving is None or member is None or call is None:
            return
        handoffs.prospect_hand_off(
            actor=member.user, prospect_id=call.prospect_id, to_team=receiving,
            stage=Stage.ACQUISITION, now=self.now,
            note="Qualified on the call: 12 sites, budget approved for next year. "
            "Wants a quote for the booster sets.",
        )  # fmt: skip


def campaigns_seed(*, organisation, now: datetime | None = None) -> DemoCampaigns | None:
    """Build the demo campaigns once; None when they exist (or the team is missing)."""
    if (
        Campaign.objects.filter(team__name=TEAM).exists()
        or not Team.objects.filter(name=TEAM).exists()
    ):
        return None
    with transaction.atomic():
        return _Builder(organisation, now or timezone.now()).build()
