"""All writes to the daily accountability rhythm: stand-ups, impediments and
their escalation, actions (DOMAIN.md, "The daily accountability rhythm").

Each service takes the acting user and the id of what it changes, loads it
row-locked inside its transaction, then asks standardwork.policy: a refusal
is a PermissionDenied naming who may, and writes nothing; bad input is a
ValidationError at its field. Opening stand-ups is a reconciliation: the beat
tick asks which teams (the Marketing Communication department too) are within
an hour of their stand-up in their own time zone and opens today's, once; a
page that needs it opens it through the same service.
"""

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from roles import policy as organisation
from roles.models import Membership, Team, User, ValueStream
from roles.selectors import team_people
from standardwork import calendar, policy
from standardwork.calendar import team_today
from standardwork.models import Impediment, Notice, Standup, StandupAttendance
from standardwork.selectors.standups import escalation_targets
from standardwork.services import followup
from standardwork.services.followup import NOT_LOGGER

# A stand-up opens this long before it starts, so its agenda is ready.
OPEN_BEFORE = timedelta(minutes=60)
NOTES_MAX = Standup._meta.get_field("notes").max_length

NOT_IN_TEAM = "Only people in the team raise its impediments."
NOT_OWNER = "Only the team's coordinator, or the VSM above it, moves its impediments on."
NOT_ESCALATOR = "Only the team's coordinator escalates its impediments."
NOT_ANSWERER = "Only the VSM it was escalated to answers an escalation."


def _team_prefetches(prefix: str = "") -> list[Prefetch]:
    """What roles.policy reads from a team, so its answers cost no further query."""
    return [
        Prefetch(f"{prefix}memberships", queryset=Membership.objects.select_related("user")),
        Prefetch(f"{prefix}value_streams", queryset=ValueStream.objects.select_related("vsm")),
    ]


def standup_starts_at(team: Team, day: date) -> datetime:
    """The team's stand-up time on `day`, in its own zone (DST-correct on either side)."""
    return datetime.combine(day, team.standup_time, tzinfo=ZoneInfo(team.time_zone))


def standup_opens_at(team: Team, day: date) -> datetime:
    # In UTC: subtracting from a local wall-clock time would ignore a DST change.
    return standup_starts_at(team, day).astimezone(UTC) - OPEN_BEFORE


# --- stand-ups ----------------------------------------------------------------


def _open(team: Team, day: date) -> tuple[Standup, bool]:
    # The unique (team, date) constraint decides between two openers racing.
    return Standup.objects.get_or_create(
        team=team, date=day, defaults={"starts_at": standup_starts_at(team, day)}
    )


def standups_open_due(*, now: datetime | None = None) -> int:
    """Open today's stand-up of every team within OPEN_BEFORE of its stand-up time, or past it.

    Every team holds one, the Marketing Communication department too. Each
    team's day and time are its own (zoneinfo). Non-working days get none,
    and nothing older than today is caught up: a stand-up is a meeting, and a
    day the worker missed was simply not held. Safe to run any number of
    times, in parallel. Returns how many were opened.
    """
    now = now or timezone.now()
    due: list[tuple[Team, date]] = []
    for team in Team.objects.only("pk", "name", "time_zone", "standup_time", "working_days"):
        today = team_today(team, now)
        if today.isoweekday() in team.working_days and now >= standup_opens_at(team, today):
            due.append((team, today))
    if not due:
        return 0
    existing = set(
        Standup.objects.filter(
            team_id__in=[team.pk for team, _ in due], date__in={day for _, day in due}
        ).values_list("team_id", "date")
    )
    opened = 0
    for team, today in due:
        if (team.pk, today) not in existing:
            opened += _open(team, today)[1]
    return opened


def standup_open_today(*, team: Team, now: datetime | None = None) -> Standup | None:
    """Today's stand-up of `team`, opened now if the worker has not yet.

    None on a day the team does not work.
    """
    today = team_today(team, now)
    existing = Standup.objects.filter(team=team, date=today).first()
    if existing is not None or today.isoweekday() not in team.working_days:
        return existing
    return _open(team, today)[0]


def _locked_standup(standup_id: int) -> Standup:
    """Call inside a transaction: the stand-up, row-locked, with its team's people."""
    return (
        Standup.objects.select_for_update(of=("self",))
        .select_related("team")
        .prefetch_related(*_team_prefetches("team__"))
        .get(pk=standup_id)
    )


def _logged(standup: Standup, actor: User, fields: list[str]) -> None:
    if standup.logged_by_id is None:
        standup.logged_by = actor
        fields = [*fields, "logged_by"]
    standup.save(update_fields=fields)


@transaction.atomic
def standup_start(*, actor: User, standup_id: int, now: datetime | None = None) -> Standup:
    """Start the 15-minute timer, once: a second press changes nothing."""
    standup = _locked_standup(standup_id)
    organisation.require(policy.can_log_standup(actor, standup.team), NOT_LOGGER)
    if standup.started_at is not None:
        return standup
    now = now or timezone.now()
    if standup.date != team_today(standup.team, now):
        raise ValidationError("Only today's stand-up can be started.")
    standup.started_at = now
    _logged(standup, actor, ["started_at"])
    return standup


@transaction.atomic
def standup_end(*, actor: User, standup_id: int, now: datetime | None = None) -> Standup:
    standup = _locked_standup(standup_id)
    organisation.require(policy.can_log_standup(actor, standup.team), NOT_LOGGER)
    if standup.ended_at is not None:
        return standup
    if standup.started_at is None:
        raise ValidationError("Start the stand-up before you end it.")
    standup.ended_at = max(now or timezone.now(), standup.started_at)
    _logged(standup, actor, ["ended_at"])
    return standup


@transaction.atomic
def standup_attendance_set(
    *, actor: User, standup_id: int, present: Mapping[int, bool]
) -> list[StandupAttendance]:
    """Record who was there: {person id: present?} for the team's TL and members."""
    standup = _locked_standup(standup_id)
    organisation.require(policy.can_log_standup(actor, standup.team), NOT_LOGGER)
    people = {person.pk for person in team_people(standup.team)}
    if set(present) - people:
        raise ValidationError({"present": "Attendance is for the team's leader and members."})
    rows = [
        StandupAttendance.objects.update_or_create(
            standup=standup, person_id=person_id, defaults={"present": bool(here)}
        )[0]
        for person_id, here in present.items()
    ]
    _logged(standup, actor, [])
    return rows


@transaction.atomic
def standup_notes_save(*, actor: User, standup_id: int, notes: str) -> Standup:
    standup = _locked_standup(standup_id)
    organisation.require(policy.can_log_standup(actor, standup.team), NOT_LOGGER)
    notes = notes.strip()
    if len(notes) > NOTES_MAX:
        raise ValidationError({"notes": f"Keep the notes under {NOTES_MAX} characters."})
    standup.notes = notes
    _logged(standup, actor, ["notes"])
    return standup


# --- impediments --------------------------------------------------------------


@transaction.atomic
def impediment_raise(
    *, actor: User, team: Team, title: str, description: str = "", standup: Standup | None = None
) -> Impediment:
    """Anyone in the team raises an impediment, at the stand-up or on their own."""
    organisation.require(policy.can_raise_impediment(actor, team), NOT_IN_TEAM)
    if standup is not None:
        organisation.require(standup.team_id == team.pk, "That stand-up is another team's.")
    title, description = title.strip(), description.strip()
    if not title:
        raise ValidationError({"title": "Name the impediment."})
    impediment = Impediment(
        team=team, title=title, description=description, raised_by=actor, standup=standup
    )
    impediment.full_clean(
        exclude=["team", "raised_by", "standup", "removed_by", "escalated_by", "escalated_to",
                 "answered_by"]
    )  # fmt: skip
    impediment.save()
    return impediment


def _locked_impediment(impediment_id: int) -> Impediment:
    """Call inside a transaction: the impediment, row-locked, with what the policy reads."""
    return (
        Impediment.objects.select_for_update(of=("self",))
        .select_related("team", "raised_by")
        .prefetch_related(*_team_prefetches("team__"))
        .get(pk=impediment_id)
    )


@transaction.atomic
def impediment_start(*, actor: User, impediment_id: int) -> Impediment:
    """Open -> in progress: the TC is working on it."""
    impediment = _locked_impediment(impediment_id)
    organisation.require(policy.can_change_impediment(actor, impediment), NOT_OWNER)
    if impediment.state == Impediment.State.REMOVED:
        raise ValidationError("This impediment is already removed.")
    if impediment.state == Impediment.State.OPEN:
        impediment.state = Impediment.State.IN_PROGRESS
        impediment.save(update_fields=["state"])
    return impediment


@transaction.atomic
def impediment_remove(
    *, actor: User, impediment_id: int, how: str, now: datetime | None = None
) -> Impediment:
    """Open or in progress -> removed, saying how."""
    impediment = _locked_impediment(impediment_id)
    organisation.require(policy.can_change_impediment(actor, impediment), NOT_OWNER)
    how = how.strip()
    if not how:
        raise ValidationError({"removed_how": "Say how it was removed."})
    if impediment.state == Impediment.State.REMOVED:
        raise ValidationError("This impediment is already removed.")
    impediment.state = Impediment.State.REMOVED
    impediment.removed_how = how
    impediment.removed_at = now or timezone.now()
    impediment.removed_by = actor
    impediment.full_clean(
        exclude=["team", "raised_by", "standup", "removed_by", "escalated_by", "escalated_to",
                 "answered_by"]
    )  # fmt: skip
    impediment.save(update_fields=["state", "removed_how", "removed_at", "removed_by"])
    return impediment


@transaction.atomic
def impediment_escalate(
    *,
    actor: User,
    impediment_id: int,
    reason: str,
    to_id: int | None = None,
    now: datetime | None = None,
) -> Impediment:
    """The TC hands what the team cannot remove to the VSM of its value stream, with a reason.

    `to_id` picks the VSM when the team serves value streams of several VSMs.
    The VSM gets a notice; the impediment stays the TC's until removed.
    """
    impediment = _locked_impediment(impediment_id)
    organisation.require(policy.can_escalate_impediment(actor, impediment), NOT_ESCALATOR)
    reason = reason.strip()
    targets = {vsm.pk: (vsm, stream) for vsm, stream in escalation_targets(impediment.team)}
    if impediment.state == Impediment.State.REMOVED:
        raise ValidationError("A removed impediment needs no escalation.")
    if impediment.escalated_at is not None:
        raise ValidationError(
            f"Already escalated to {impediment.escalated_to.display_name} "
            f"on {impediment.escalated_at:%d %b}."
        )
    if not targets:
        raise ValidationError(f"{impediment.team.name} serves no value stream, so has no VSM.")
    errors = {}
    if not reason:
        errors["reason"] = "Say why the team cannot remove it."
    if to_id is None and len(targets) > 1:
        errors["to"] = "Choose the VSM to escalate to."
    elif to_id is not None and to_id not in targets:
        errors["to"] = "Escalate to the VSM of a value stream the team serves."
    if errors:
        raise ValidationError(errors)
    vsm, value_stream = targets[to_id] if to_id is not None else next(iter(targets.values()))
    now = now or timezone.now()
    impediment.escalated_at = now
    impediment.escalated_by = actor
    impediment.escalated_to = vsm
    impediment.escalation_reason = reason
    impediment.full_clean(
        exclude=["team", "raised_by", "standup", "removed_by", "escalated_by", "escalated_to",
                 "answered_by"]
    )  # fmt: skip
    impediment.save(
        update_fields=["escalated_at", "escalated_by", "escalated_to", "escalation_reason"]
    )
    followup.notice_send(
        recipient_id=vsm.pk,
        kind=Notice.Kind.ESCALATION,
        day=calendar.local_date(now, value_stream.time_zone),
        text=f'{impediment.team.name}: {actor.display_name} escalates "{impediment.title}": '
        f"{reason}",
        url_name="standardwork:escalations",
        about=followup.notice_about("impediment", impediment.pk),
    )
    return impediment


@transaction.atomic
def impediment_answer(
    *, actor: User, impediment_id: int, answer: str, now: datetime | None = None
) -> Impediment:
    """The VSM's answer goes back down: a notice to the team's TC and to who raised it.

    The escalation's notice to the VSM is resolved; the answer's own notices go when read.
    """
    impediment = _locked_impediment(impediment_id)
    organisation.require(policy.can_answer_escalation(actor, impediment), NOT_ANSWERER)
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": "Write your answer for the team."})
    if impediment.escalated_at is None:
        raise ValidationError("This impediment was not escalated.")
    if impediment.answered_at is not None:
        raise ValidationError("This escalation is already answered.")
    now = now or timezone.now()
    impediment.escalation_answer = answer
    impediment.answered_at = now
    impediment.answered_by = actor
    impediment.full_clean(
        exclude=["team", "raised_by", "standup", "removed_by", "escalated_by", "escalated_to",
                 "answered_by"]
    )  # fmt: skip
    impediment.save(update_fields=["escalation_answer", "answered_at", "answered_by"])
    followup.notices_resolve(about=followup.notice_about("impediment", impediment.pk), now=now)
    team = impediment.team
    recipients = [team.coordinator_id, impediment.raised_by_id]
    day = team_today(team, now)
    text = f'{actor.display_name} answered the escalation of "{impediment.title}": {answer}'
    for recipient_id in dict.fromkeys(recipients):
        if recipient_id is not None:
            followup.notice_send(
                recipient_id=recipient_id,
                kind=Notice.Kind.ESCALATION_ANSWER,
                day=day,
                text=text,
                url_name="standardwork:impediment_detail",
                url_args=[impediment.pk],
            )
    return impediment
