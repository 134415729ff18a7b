"""Follow-up: actions and notices. The one way in for every app.

- `action_create` (and `actions_create` for several at once, through the
  same validation) writes every action, whatever its source: a stand-up, a
  PDCA/SDCA cycle, a weekly review or anything else. Stand-ups, cycles and
  (in `valuestream`) the weekly review call it.
- `notice_send` writes every in-app notice and, where the recipient should
  also get an email, queues it after the commit to a retrying, idempotent
  task (`standardwork.tasks.send_notice_email`). A notice `about` something
  ("check:123") resolves itself: the service that resolves the cause calls
  `notices_resolve(about=...)`, which marks its unread notices read.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from email.mime.text import MIMEText

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, send_mail
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from leanops.base.queue import enqueue_on_commit
from roles.models import Team, User
from standardwork import calendar, policy
from standardwork.models import Action, Cycle, Notice, Standup

log = logging.getLogger(__name__)

# The task that emails a notice (standardwork.tasks), queued by its name.
SEND_NOTICE_EMAIL = "standardwork.tasks.send_notice_email"
NOTICE_TEXT_MAX = Notice._meta.get_field("text").max_length
TITLE_MAX = Action._meta.get_field("title").max_length

NOT_LOGGER = "Only the team's coordinator or leader logs its stand-up."
NOT_ASSIGNER = "Only the team's coordinator, leader or VSM gives it actions."
NOT_CYCLE_MOVER = "Only people in the team work on its improvement cycles."
NOT_COMPLETER = "Only the owner, or the team's coordinator or leader, ticks an action off."
PAST_DUE_DATE = "The due date cannot be in the past."
# An action is a near-term commitment: a due date beyond this is a typing slip.
FAR_LIMIT_YEARS = 5
TOO_FAR_DUE_DATE = f"Choose a due date within {FAR_LIMIT_YEARS} years."


def years_after(day: date, years: int) -> date:
    """The same calendar day `years` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _cut(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, marked when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- actions ------------------------------------------------------------------


@dataclass(frozen=True)
class ActionSpec:
    """One action to create: what, who, by when."""

    title: str
    owner: User | None
    due_date: date | None


def _require_action_source(
    actor: User, team: Team, *, source: str, standup: Standup | None, cycle: Cycle | None
) -> None:
    """Who may give `team` an action depends on where it comes from."""
    if source == Action.Source.STANDUP:
        if standup is None or standup.team_id != team.pk:
            raise PermissionDenied("An action from a stand-up belongs to that stand-up's team.")
        if not policy.can_log_standup(actor, team):
            raise PermissionDenied(NOT_LOGGER)
    elif source == Action.Source.CYCLE:
        if cycle is None or cycle.team_id != team.pk:
            raise PermissionDenied("An action from a cycle belongs to that cycle's team.")
        if not policy.can_move_cycle(actor, team):
            raise PermissionDenied(NOT_CYCLE_MOVER)
    elif source in Action.Source.values:
        if standup is not None or cycle is not None:
            raise PermissionDenied("Only stand-up and cycle actions name a stand-up or a cycle.")
        if not policy.can_assign_action(actor, team):
            raise PermissionDenied(NOT_ASSIGNER)
    else:
        raise ValidationError({"source": "Choose where the action comes from."})


def _action_build(
    *,
    actor: User,
    team: Team,
    spec: ActionSpec,
    source: str,
    standup: Standup | None,
    cycle: Cycle | None,
    today: date,
) -> Action:
    """One action, validated but not saved."""
    title = (spec.title or "").strip()
    errors = {}
    if not title:
        errors["title"] = "Say what is to be done."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Keep it under {TITLE_MAX} characters."
    if spec.owner is None:
        errors["owner"] = "Choose who owns it."
    elif not policy.can_own_action(spec.owner, team):
        errors["owner"] = f"The owner must be someone in {team.name}."
    if spec.due_date is None:
        errors["due_date"] = "Give a due date."
    elif spec.due_date < today:
        errors["due_date"] = PAST_DUE_DATE
    elif spec.due_date > years_after(today, FAR_LIMIT_YEARS):
        errors["due_date"] = TOO_FAR_DUE_DATE
    if errors:
        raise ValidationError(errors)
    action = Action(
        team=team,
        title=title,
        owner=spec.owner,
        due_date=spec.due_date,
        source=source,
        standup=standup,
        cycle=cycle,
        created_by=actor,
    )
    action.full_clean(exclude=["team", "owner", "standup", "cycle", "created_by", "done_by"])
    return action


@transaction.atomic
def actions_create(
    *,
    actor: User,
    team: Team,
    specs: Iterable[ActionSpec],
    source: str,
    standup: Standup | None = None,
    cycle: Cycle | None = None,
    now: datetime | None = None,
) -> list[Action]:
    """Several actions for `team` at once, each validated as `action_create` does.

    `team` must come with its `memberships` (and `value_streams`) loadable:
    the owner rule reads them. Nothing is written unless every action is valid.
    """
    _require_action_source(actor, team, source=source, standup=standup, cycle=cycle)
    today = calendar.team_today(team, now)
    actions = [
        _action_build(
            actor=actor,
            team=team,
            spec=spec,
            source=source,
            standup=standup,
            cycle=cycle,
            today=today,
        )
        for spec in specs
    ]
    return Action.objects.bulk_create(actions)


def action_create(
    *,
    actor: User,
    team: Team,
    title: str,
    owner: User | None,
    due_date: date | None,
    source: str,
    standup: Standup | None = None,
    cycle: Cycle | None = None,
    now: datetime | None = None,
) -> Action:
    """A new action for someone in the team, due today or later in the team's calendar.

    An action from a stand-up is given by those who log the stand-up; from a
    cycle, by the people working on it; any other (a weekly review, ...) by
    the team's TC, TL or the VSM above it.
    """
    (action,) = actions_create(
        actor=actor,
        team=team,
        specs=[ActionSpec(title=title, owner=owner, due_date=due_date)],
        source=source,
        standup=standup,
        cycle=cycle,
        now=now,
    )
    return action


def _locked_action(action_id: int) -> Action:
    """Call inside a transaction: the action, row-locked, with its team's people."""
    try:
        return (
            Action.objects.select_for_update(of=("self",))
            .select_related("team", "owner")
            .prefetch_related("team__memberships", "team__value_streams")
            .get(pk=action_id)
        )
    except Action.DoesNotExist:
        raise ValidationError("That action no longer exists.") from None


@transaction.atomic
def action_complete(*, actor: User, action_id: int, now: datetime | None = None) -> Action:
    """Done. A second tap changes nothing."""
    action = _locked_action(action_id)
    if not policy.can_complete_action(actor, action):
        raise PermissionDenied(NOT_COMPLETER)
    if action.is_done:
        return action
    action.done_at = now or timezone.now()
    action.done_by = actor
    action.save(update_fields=["done_at", "done_by"])
    return action


@transaction.atomic
def action_reopen(*, actor: User, action_id: int) -> Action:
    action = _locked_action(action_id)
    if not policy.can_complete_action(actor, action):
        raise PermissionDenied(NOT_COMPLETER)
    if not action.is_done:
        return action
    action.done_at = None
    action.done_by = None
    action.save(update_fields=["done_at", "done_by"])
    return action


# --- notices ------------------------------------------------------------------


def notice_send(
    *,
    recipient_id: int,
    kind: str,
    day: date,
    text: str,
    url_name: str,
    url_args: Iterable = (),
    email: bool = False,
    about: str = "",
    attachment: dict | None = None,
) -> Notice | None:
    """The one way to tell someone something: an in-app notice, and maybe an email.

    The notice links to `url_name` (with `url_args`). `about` is a short key of
    what it is about (`notice_about(kind, id)`, e.g. "check:123"): resolving that
    (`notices_resolve`) clears the notice from the unread list. With `email`, the email
    is queued once the surrounding transaction commits, to a task that
    retries transient SMTP errors and sends each notice at most once; a
    rolled-back notice is never emailed. `attachment` ({"filename", "mimetype",
    "content"}, text) goes with the email: a calendar invitation. Returns None
    when a notice that may exist only once (a day's reminder) already does.
    """
    notice = Notice(
        recipient_id=recipient_id,
        kind=kind,
        date=day,
        text=_cut(" ".join(text.split()), NOTICE_TEXT_MAX),
        url=reverse(url_name, args=list(url_args)),
        email=email,
        about=about,
        attachment=attachment or {},
    )
    notice.full_clean(exclude=["recipient"])
    try:
        with transaction.atomic():
            notice.save()
    except IntegrityError:
        return None  # the once-a-day reminder exists: another run sent it first
    if email:
        enqueue_on_commit(SEND_NOTICE_EMAIL, notice_id=notice.pk)
    return notice


EMAIL_SUBJECTS = {
    Notice.Kind.REMINDER: "LeanOps: your standard work for today",
}


def _attachment_part(attachment: dict) -> MIMEText:
    """A text attachment with its parameters kept ("text/calendar; method=REQUEST"):
    mail clients offer a calendar invitation only when the part says its method."""
    mimetype, *params = (part.strip() for part in attachment["mimetype"].split(";"))
    part = MIMEText(attachment["content"], mimetype.partition("/")[2], "utf-8")
    for param in params:
        name, _, value = param.partition("=")
        part.set_param(name, value)
    part.add_header("Content-Disposition", "attachment", filename=attachment["filename"])
    return part


def notice_email_send(*, notice_id: int) -> bool:
    """Email one notice, at most once; return whether this call sent it.

    The row lock keeps two runs of the task from both sending; a failure to
    send rolls back and leaves the notice to be retried.
    """
    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notice_id)
            .first()
        )
        if notice is None or not notice.email or notice.emailed_at is not None:
            return False
        recipient = notice.recipient
        if not recipient.email:
            return False
        subject = EMAIL_SUBJECTS.get(notice.kind, f"LeanOps: {notice.get_kind_display()}")
        body = f"Hello {recipient.display_name},\n\n{notice.text}\n\nOpen LeanOps: {notice.url}\n"
        if notice.attachment:
            message = EmailMessage(subject=subject, body=body, to=[recipient.email])
            message.attach(_attachment_part(notice.attachment))
            message.send(fail_silently=False)
        else:
            send_mail(
                subject=subject,
                message=body,
                from_email=None,
                recipient_list=[recipient.email],
                fail_silently=False,
            )
        notice.emailed_at = timezone.now()
        notice.save(update_fields=["emailed_at"])
    return True


NOTICE_GONE = "That notice no longer exists."


def notice_about(kind: str, object_id: int) -> str:
    """The key of what a notice is about: "check:123", "impediment:45", "control_point:7"."""
    return f"{kind}:{object_id}"


def notices_resolve(*, about: str, now: datetime | None = None) -> int:
    """What the notices `about` named is resolved: mark the unread ones read and resolved.

    Called by the service that resolves it (a countermeasure recorded, an escalation
    answered), inside its transaction. Returns how many notices it resolved.
    """
    if not about:
        return 0
    now = now or timezone.now()
    return Notice.objects.filter(about=about, read_at__isnull=True).update(
        read_at=now, resolved_at=now
    )


@transaction.atomic
def notices_mark_all_read(*, actor: User, now: datetime | None = None) -> int:
    """Mark every unread notice of `actor` read; return how many."""
    return Notice.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


@transaction.atomic
def notice_mark_read(*, actor: User, notice_id: int) -> Notice:
    """Mark one of the actor's notices read; marking it again changes nothing.

    Http404 for someone else's notice as for a missing one: one answer for both.
    """
    notice = Notice.objects.select_for_update().filter(pk=notice_id).first()
    if notice is None or notice.recipient_id != actor.pk:
        raise Http404(NOTICE_GONE)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice
