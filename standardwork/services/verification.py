"""Writes of layered verification (kamishibai): the layer above confirms a
person's day, asks for a countermeasure on an item, and the owner records it.

Each takes the row lock, then answers 404 (`CheckGone`, `ChecklistGone`) when the
row does not exist or the actor may not see its owner's standard work, 403 when
they may see it but not do this, then validates and writes.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from roles import policy as organisation
from roles.models import User
from standardwork import policy
from standardwork.models import Check, CheckEvent, Checklist, Notice
from standardwork.selectors import verification as verification_selectors
from standardwork.services import followup
from standardwork.services.adherence import adherence_weeks_invalidate
from standardwork.services.checklists import check_event_add, check_lock

CHECKLIST_GONE = "That checklist no longer exists; reload the page."
NOT_VERIFIER = "You verify only the standard work of the layer below you."
NOT_COUNTERMEASURE_OWNER = "Only the owner of the item records its countermeasure."


class ChecklistGone(Http404):
    """The checklist no longer exists, or it is not the actor's to see (one answer)."""


def _checklist_lock(checklist_id: int, *, actor: User) -> Checklist:
    """Call inside a transaction: the checklist, row-locked, with its owner; ChecklistGone
    when it does not exist or `actor` may not see its owner's standard work."""
    checklist = (
        Checklist.objects.select_for_update(of=("self",))
        .select_related("owner")
        .filter(pk=checklist_id)
        .first()
    )
    if checklist is None or not organisation.can_view_person(actor, checklist.owner):
        raise ChecklistGone(CHECKLIST_GONE)
    return checklist


@transaction.atomic
def checklist_confirm(*, actor: User, checklist_id: int, now: datetime | None = None) -> Checklist:
    """The layer above confirms a person's day: every unverified item is confirmed.

    Confirming again after the owner changed items (the board marks them
    "changed after confirmation") confirms those changes: each changed item
    gets a new confirm event, and the mark goes.
    """
    checklist = _checklist_lock(checklist_id, actor=actor)
    organisation.require(policy.can_verify(actor, checklist.owner), NOT_VERIFIER)
    reconfirmed = list(
        checklist.checks.exclude(verification=Check.Verification.NONE)
        .annotate(changed=verification_selectors.changed_after_confirmation())
        .filter(changed=True)
    )
    checklist.verified_by = actor
    checklist.verified_at = now or timezone.now()
    checklist.save(update_fields=["verified_by", "verified_at"])
    checks = list(checklist.checks.filter(verification=Check.Verification.NONE))
    for check in checks:
        check.verification = Check.Verification.CONFIRMED
        check.verified_by = actor
    Check.objects.bulk_update(checks, ["verification", "verified_by"])
    CheckEvent.objects.bulk_create(
        [
            CheckEvent(
                check_item=check,
                actor=actor,
                kind=CheckEvent.Kind.CONFIRM,
                at=checklist.verified_at,
            )
            for check in [*checks, *reconfirmed]
        ]
    )
    return checklist


@transaction.atomic
def check_request_countermeasure(
    *, actor: User, check_id: int, comment: str, now: datetime | None = None
) -> Check:
    """Ask the owner for a countermeasure; the item stays red until they record one."""
    check = check_lock(check_id, actor=actor)
    owner = check.checklist.owner
    organisation.require(policy.can_verify(actor, owner), NOT_VERIFIER)
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "Say what countermeasure you are asking for."})
    check.verification = Check.Verification.COUNTERMEASURE_REQUESTED
    check.verification_comment = comment
    check.verified_by = actor
    check.countermeasure = ""
    check.full_clean(exclude=["checklist", "item", "verified_by", "miss_reason"])
    check.save(
        update_fields=["verification", "verification_comment", "verified_by", "countermeasure"]
    )
    check_event_add(check, actor, CheckEvent.Kind.REQUEST_COUNTERMEASURE, comment, now)
    # A red now: the week's summary (its reds) is counted again.
    adherence_weeks_invalidate(days=[check.checklist.date], now=now)
    followup.notice_send(
        recipient_id=owner.pk,
        kind=Notice.Kind.COUNTERMEASURE,
        day=check.checklist.date,
        text=f'{actor.display_name} asks for a countermeasure on "{check.item.title}": {comment}',
        url_name="standardwork:my_standard_work",
        about=followup.notice_about("check", check.pk),
    )
    return check


@transaction.atomic
def check_record_countermeasure(
    *, actor: User, check_id: int, countermeasure: str, now: datetime | None = None
) -> Check:
    """The owner answers a request with a countermeasure; the item turns green, and the
    notice that asked for it is resolved."""
    check = check_lock(check_id, actor=actor)
    organisation.require(policy.can_change_check(actor, check), NOT_COUNTERMEASURE_OWNER)
    countermeasure = countermeasure.strip()
    if not countermeasure:
        raise ValidationError({"countermeasure": "Describe the countermeasure."})
    if check.verification != Check.Verification.COUNTERMEASURE_REQUESTED:
        raise ValidationError("No countermeasure was asked for on this item.")
    check.verification = Check.Verification.COUNTERMEASURE_RECORDED
    check.countermeasure = countermeasure
    check.full_clean(exclude=["checklist", "item", "verified_by", "miss_reason"])
    check.save(update_fields=["verification", "countermeasure"])
    check_event_add(check, actor, CheckEvent.Kind.RECORD_COUNTERMEASURE, countermeasure, now)
    # No longer red: the week's summary (its reds) is counted again.
    adherence_weeks_invalidate(days=[check.checklist.date], now=now)
    followup.notices_resolve(about=followup.notice_about("check", check.pk))
    return check
