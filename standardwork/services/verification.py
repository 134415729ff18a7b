"""Writes of layered verification (kamishibai): the layer above confirms a
person's day, asks for a countermeasure on an item, and the owner records it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from roles import policy as organisation
from roles.models import User
from standardwork import policy
from standardwork.models import Check, CheckEvent, Checklist, Notice
from standardwork.selectors import verification as verification_selectors
from standardwork.services import followup
from standardwork.services.checklists import check_event_add, check_lock


@transaction.atomic
def checklist_confirm(*, actor: User, checklist_id: int) -> Checklist:
    """The layer above confirms a person's day: every unverified item is confirmed.

    Confirming again after the owner changed items (the board marks them
    "changed after confirmation") confirms those changes: each changed item
    gets a new confirm event, and the mark goes.
    """
    checklist = Checklist.objects.select_for_update().select_related("owner").get(pk=checklist_id)
    organisation.require(
        policy.can_verify(actor, checklist.owner),
        "You verify only the standard work of the layer below you.",
    )
    reconfirmed = list(
        checklist.checks.exclude(verification=Check.Verification.NONE)
        .annotate(changed=verification_selectors.changed_after_confirmation())
        .filter(changed=True)
    )
    checklist.verified_by = actor
    checklist.verified_at = timezone.now()
    checklist.save(update_fields=["verified_by", "verified_at"])
    checks = list(checklist.checks.filter(verification=Check.Verification.NONE))
    for check in checks:
        check.verification = Check.Verification.CONFIRMED
        check.verified_by = actor
    Check.objects.bulk_update(checks, ["verification", "verified_by"])
    CheckEvent.objects.bulk_create(
        [
            CheckEvent(check_item=check, actor=actor, kind=CheckEvent.Kind.CONFIRM)
            for check in [*checks, *reconfirmed]
        ]
    )
    return checklist


@transaction.atomic
def check_request_countermeasure(*, actor: User, check_id: int, comment: str) -> Check:
    """Ask the owner for a countermeasure; the item stays red until they record one."""
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "Say what countermeasure you are asking for."})
    check = check_lock(check_id)
    owner = check.checklist.owner
    organisation.require(
        policy.can_verify(actor, owner),
        "You verify only the standard work of the layer below you.",
    )
    check.verification = Check.Verification.COUNTERMEASURE_REQUESTED
    check.verification_comment = comment
    check.verified_by = actor
    check.countermeasure = ""
    check.full_clean(exclude=["checklist", "item", "verified_by", "miss_reason"])
    check.save(
        update_fields=["verification", "verification_comment", "verified_by", "countermeasure"]
    )
    check_event_add(check, actor, CheckEvent.Kind.REQUEST_COUNTERMEASURE, comment)
    followup.notice_send(
        recipient_id=owner.pk,
        kind=Notice.Kind.COUNTERMEASURE,
        day=check.checklist.date,
        text=f'{actor.display_name} asks for a countermeasure on "{check.item.title}": {comment}',
        url_name="standardwork:my_standard_work",
    )
    return check


@transaction.atomic
def check_record_countermeasure(*, actor: User, check_id: int, countermeasure: str) -> Check:
    """The owner answers a request with a countermeasure; the item turns green."""
    countermeasure = countermeasure.strip()
    if not countermeasure:
        raise ValidationError({"countermeasure": "Describe the countermeasure."})
    check = check_lock(check_id)
    if check.checklist.owner_id != actor.pk:
        raise PermissionDenied("Only the owner of the item records its countermeasure.")
    if check.verification != Check.Verification.COUNTERMEASURE_REQUESTED:
        raise ValidationError("No countermeasure was asked for on this item.")
    check.verification = Check.Verification.COUNTERMEASURE_RECORDED
    check.countermeasure = countermeasure
    check.full_clean(exclude=["checklist", "item", "verified_by", "miss_reason"])
    check.save(update_fields=["verification", "countermeasure"])
    check_event_add(check, actor, CheckEvent.Kind.RECORD_COUNTERMEASURE, countermeasure)
    return check
