"""Prospects: opt-out (the one-click unsubscribe), bounces, and CSV imports.

The unsubscribe token is signed with django.core.signing (the SECRET_KEY):
it names the prospect and the address, so a token for one address cannot be
turned into one for another.
"""

import csv
import io
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime

from django.core import signing
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import get_valid_filename

from leanops.base.queue import enqueue_on_commit
from roles import policy as organisation
from roles.models import Team, User
from valuestream import exports, policy
from valuestream.models import Campaign, Enrollment, Prospect, ProspectImport
from valuestream.services import campaigns as campaign_services

UNSUBSCRIBE_SALT = "valuestream.unsubscribe"
RUN_IMPORT = "valuestream.tasks.run_prospect_import"
PROGRESS_EVERY = 1000
MAX_IMPORT_BYTES = 20 * 1024 * 1024


# --- opting out and bouncing ---------------------------------------------------------


def unsubscribe_token(prospect: Prospect) -> str:
    return signing.dumps({"p": prospect.pk, "e": prospect.email.lower()}, salt=UNSUBSCRIBE_SALT)


def prospect_from_token(token: str) -> Prospect | None:
    """The prospect a genuine token names, while it still has that address; else None."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    prospect = Prospect.objects.filter(pk=data.get("p")).first()
    if prospect is None or prospect.email.lower() != data.get("e"):
        return None
    return prospect


@transaction.atomic
def prospect_opt_out(*, prospect: Prospect, now: datetime | None = None) -> Prospect:
    """No more email to this address, and every sequence it is in stops at once."""
    now = now or timezone.now()
    Prospect.objects.filter(pk=prospect.pk, opted_out_at__isnull=True).update(opted_out_at=now)
    campaign_services.enrollments_stop(
        enrollments=Enrollment.objects.filter(prospect=prospect),
        reason=Enrollment.StopReason.OPTED_OUT,
        now=now,
    )
    prospect.refresh_from_db()
    return prospect


@transaction.atomic
def prospect_bounce(*, prospect_id: int, now: datetime | None = None) -> int:
    """The address bounced: it gets no more email and its sequences stop (how many)."""
    now = now or timezone.now()
    Prospect.objects.filter(pk=prospect_id, bounced_at__isnull=True).update(bounced_at=now)
    return campaign_services.enrollments_stop(
        enrollments=Enrollment.objects.filter(prospect_id=prospect_id),
        reason=Enrollment.StopReason.BOUNCED,
        now=now,
    )


@transaction.atomic
def prospect_reply(*, prospect_id: int, now: datetime | None = None) -> int:
    """The prospect replied (the mail provider told us): every sequence they are in stops,
    as the "Replied" button stops one (`campaigns.reply_record`). Returns how many."""
    return campaign_services.enrollments_stop(
        enrollments=Enrollment.objects.filter(prospect_id=prospect_id),
        reason=Enrollment.StopReason.REPLIED,
        now=now,
    )


def inbound_event_record(*, event: str, email: str, now: datetime | None = None) -> int | None:
    """A reply or a bounce the mail provider reported for `email`: its sequences stop, by
    the same paths as the Replied button and a refused recipient. Returns how many
    enrolments stopped, or None when no prospect has that address. Repeating it stops
    nothing more (only active enrolments stop; a bounce is dated once)."""
    prospect = Prospect.objects.annotate(lower=Lower("email")).filter(lower=email.lower()).first()
    if prospect is None:
        return None
    if event == "bounce":
        return prospect_bounce(prospect_id=prospect.pk, now=now)
    return prospect_reply(prospect_id=prospect.pk, now=now)


# --- CSV import ------------------------------------------------------------------------

# The columns a trade-show or webinar export has, by the names they go by.
COLUMN_ALIASES = {
    "email": {"email", "email address", "e-mail", "work email", "attendee email"},
    "first_name": {"first name", "firstname", "given name", "first"},
    "last_name": {"last name", "lastname", "surname", "family name", "last"},
    "company": {"company", "organisation", "organization", "company name", "account"},
    "phone": {"phone", "phone number", "telephone", "mobile", "work phone"},
    "street": {"address", "street", "street address", "address 1", "address line 1"},
    "city": {"city", "town"},
    "postcode": {"postcode", "post code", "zip", "zip code", "postal code"},
    "country": {"country"},
    "time_zone": {"time zone", "timezone", "tz"},
}
TEXT_LIMITS = {"first_name": 80, "last_name": 80, "company": 160, "phone": 40}
ZONES = zoneinfo.available_timezones()


@dataclass
class ParsedRow:
    email: str
    values: dict[str, str]


@dataclass
class Parsed:
    header: list[str] = field(default_factory=list)
    rows: dict[str, ParsedRow] = field(default_factory=dict)  # by lower-case email
    bad: list[tuple[int, dict[str, str], str]] = field(default_factory=list)
    total: int = 0


def _column_map(header: list[str]) -> dict[int, str]:
    found = {}
    for index, name in enumerate(header):
        key = " ".join(name.strip().lower().replace("_", " ").replace("-", " ").split())
        key = key.replace("e mail", "email")
        for column, aliases in COLUMN_ALIASES.items():
            if key in aliases or key.replace(" ", "") in {a.replace(" ", "") for a in aliases}:
                found.setdefault(index, column)
    return found


def _row_problem(values: dict[str, str]) -> str:
    email = values.get("email", "")
    if not email:
        return "No email address."
    try:
        validate_email(email)
    except ValidationError:
        return f"“{email[:60]}” is not an email address."
    zone = values.get("time_zone", "")
    if zone and zone not in ZONES:
        return f"“{zone[:40]}” is not a time zone (use a name like Europe/Berlin)."
    for name, limit in TEXT_LIMITS.items():
        if len(values.get(name, "")) > limit:
            return f"The {name.replace('_', ' ')} is longer than {limit} characters."
    return ""


def import_parse(text: str, *, progress=None) -> Parsed:
    """Validate every row; duplicates by email are merged (later rows fill the gaps).

    A line the csv module cannot read (a cell over its 128 KiB limit...) is a bad
    row like any other, so the import is refused with a report, never left half-run.
    """
    # newline="": the csv module splits the lines itself, so a file saved with bare
    # carriage returns (old spreadsheet exports) reads as rows, not as a broken field.
    reader = csv.reader(io.StringIO(text, newline=""))
    parsed = Parsed()
    try:
        _parse_rows(reader, parsed, progress)
    except csv.Error as error:
        parsed.bad.append(
            (reader.line_num, {}, f"Line {reader.line_num} cannot be read as CSV: {error}.")
        )
    return parsed


def _parse_rows(reader, parsed: Parsed, progress) -> None:
    header = next(reader, None)
    if not header:
        parsed.bad.append((1, {}, "The file is empty."))
        return
    parsed.header = header
    columns = _column_map(header)
    if "email" not in columns.values():
        parsed.bad.append((1, {}, "No email column (expected a column named Email)."))
        return
    for number, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        parsed.total += 1
        values: dict[str, str] = {}
        for index, column in columns.items():
            if index < len(raw) and raw[index].strip() and column not in values:
                values[column] = raw[index].strip()
        values["email"] = values.get("email", "").lower()
        problem = _row_problem(values)
        if problem:
            parsed.bad.append((number, dict(zip(header, raw, strict=False)), problem))
        elif values["email"] in parsed.rows:
            existing = parsed.rows[values["email"]].values
            for key, value in values.items():
                existing.setdefault(key, value)
        else:
            parsed.rows[values["email"]] = ParsedRow(values["email"], values)
        if progress is not None and parsed.total % PROGRESS_EVERY == 0:
            progress(parsed.total)


def bad_rows_csv(header: list[str], bad: list[tuple[int, dict[str, str], str]]) -> str:
    """The refused rows as they came, with the row number and why; escaped like every
    export (a cell starting with =, +, - or @ is not a formula)."""
    rows = ([number, problem, *(values.get(name, "") for name in header)]
            for number, values, problem in bad)  # fmt: skip
    return "".join(exports.csv_lines(["row", "problem", *header], rows))


def _address(values: dict[str, str]) -> str:
    return "\n".join(
        values[key] for key in ("street", "city", "postcode", "country") if values.get(key)
    )


def _stored_name(name: str) -> str:
    """The upload's own name where storage can keep it; a file named ":" or ".." (the
    person's computer allows it) is stored under a plain name instead of answering 400."""
    try:
        return get_valid_filename(name)
    except SuspiciousFileOperation:
        return "prospects.csv"


@transaction.atomic
def import_start(
    *,
    actor: User,
    team: Team,
    campaign: Campaign | None,
    name: str,
    content: bytes,
    queue: bool = True,
) -> ProspectImport:
    """Store the upload and queue its import after the commit (unless `queue` is False:
    the caller runs `import_run` itself)."""
    organisation.require(policy.can_manage_campaigns(actor, team), policy.NOT_CAMPAIGN_MANAGER)
    if campaign is not None and campaign.team_id != team.pk:
        raise ValidationError({"campaign": "Choose a campaign of this team."})
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": "The file is larger than 20 MB."})
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": "Save the file as CSV in UTF-8."}) from None
    # NUL is valid UTF-8 but no text: a UTF-16 file without its BOM looks like this,
    # and PostgreSQL refuses it in any text column (the rows, the bad-rows report).
    if b"\x00" in content:
        raise ValidationError({"file": "Save the file as CSV in UTF-8 (it holds NUL bytes)."})
    upload = ProspectImport(team=team, campaign=campaign, uploaded_by=actor)
    upload.file.save(_stored_name(name), ContentFile(content), save=False)
    upload.save()
    if queue:
        enqueue_on_commit(RUN_IMPORT, import_id=upload.pk)
    return upload


def import_run(*, import_id: int, now: datetime | None = None) -> ProspectImport:
    """Import one upload, all or nothing. Repeatable: a finished import is left as it is.

    Validation reports its progress row by row (committed as it goes, so the
    page can poll it); the writes happen in one transaction, only when every
    row is good.
    """
    upload = ProspectImport.objects.select_related("team", "campaign").get(pk=import_id)
    if upload.finished:
        return upload
    with upload.file.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    total = max(0, sum(1 for line in text.splitlines() if line.strip()) - 1)
    ProspectImport.objects.filter(pk=upload.pk).update(
        status=ProspectImport.Status.RUNNING, total_rows=total, processed_rows=0
    )

    def progress(done: int) -> None:
        ProspectImport.objects.filter(pk=upload.pk).update(processed_rows=min(done, total))

    parsed = import_parse(text, progress=progress)
    if parsed.bad:
        ProspectImport.objects.filter(pk=upload.pk).update(
            status=ProspectImport.Status.REFUSED,
            processed_rows=total,
            bad_rows=bad_rows_csv(parsed.header, parsed.bad),
            finished_at=timezone.now(),
        )
        upload.refresh_from_db()
        return upload
    with transaction.atomic():
        # Two runs of one upload (a tick queued it again while the first message
        # waited, valuestream.tasks.requeue_stranded_imports) write it once.
        if ProspectImport.objects.select_for_update().get(pk=upload.pk).finished:
            upload.refresh_from_db()
            return upload
        created, merged, enrolled = _import_write(upload, parsed, now=now)
        ProspectImport.objects.filter(pk=upload.pk).update(
            status=ProspectImport.Status.DONE,
            processed_rows=total,
            created_count=created,
            merged_count=merged,
            enrolled_count=enrolled,
            finished_at=timezone.now(),
        )
    upload.refresh_from_db()
    return upload


def _import_write(upload: ProspectImport, parsed: Parsed, *, now) -> tuple[int, int, int]:
    emails = list(parsed.rows)
    existing: dict[str, Prospect] = {}
    for start in range(0, len(emails), 900):
        chunk = emails[start : start + 900]
        for prospect in Prospect.objects.annotate(lower=Lower("email")).filter(lower__in=chunk):
            existing[prospect.email.lower()] = prospect
    new, changed = [], []
    fields = ("first_name", "last_name", "company", "phone", "time_zone")
    for email, row in parsed.rows.items():
        values = row.values
        prospect = existing.get(email)
        if prospect is None:
            new.append(
                Prospect(
                    email=email,
                    first_name=values.get("first_name", ""),
                    last_name=values.get("last_name", ""),
                    company=values.get("company", ""),
                    phone=values.get("phone", ""),
                    address=_address(values),
                    time_zone=values.get("time_zone") or upload.team.time_zone,
                    team=upload.team,
                )
            )
            continue
        # Merged, not doubled: the import fills what the prospect lacks.
        touched = False
        for name in fields:
            if values.get(name) and not getattr(prospect, name):
                setattr(prospect, name, values[name])
                touched = True
        if not prospect.address and _address(values):
            prospect.address = _address(values)
            touched = True
        if touched:
            changed.append(prospect)
    Prospect.objects.bulk_create(new, batch_size=1000)
    if changed:
        Prospect.objects.bulk_update(changed, [*fields, "address"], batch_size=1000)
    enrolled = 0
    if upload.campaign is not None:
        prospects = [*existing.values(), *new]  # bulk_create gave the new ones their ids
        enrolled = campaign_services.enrollments_create(
            campaign=upload.campaign, prospects=prospects, now=now
        )
    return len(new), len(existing), enrolled
