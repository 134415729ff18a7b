"""Programs, budget allocations (only the VSM), spend and attributed revenue."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from roles import policy as organisation
from roles.models import Stage, User, ValueStream
from valuestream import policy
from valuestream.models import (
    BudgetAllocation,
    Enrollment,
    Program,
    Prospect,
    RevenueEntry,
    SpendEntry,
)
from valuestream.services import stages


@transaction.atomic
def program_create(*, actor: User, value_stream: ValueStream, name: str, kind: str) -> Program:
    organisation.require(policy.can_allocate_budget(actor, value_stream), policy.NOT_VSM)
    program = Program(value_stream=value_stream, name=name.strip(), kind=kind)
    program.full_clean(exclude=["value_stream"])
    program.save()
    return program


def program_for_campaign(*, value_stream: ValueStream, name: str) -> Program:
    """The program a new campaign draws on: its own, made on first use."""
    program, _ = Program.objects.get_or_create(
        value_stream=value_stream, name=name[:120], defaults={"kind": Program.Kind.CAMPAIGN}
    )
    return program


@transaction.atomic
def budget_allocate(
    *,
    actor: User,
    program: Program,
    period_start: date,
    period_end: date,
    amount: Decimal,
) -> BudgetAllocation:
    """The VSM's budget for `program` over a period; a second allocation for the
    same period start replaces the amount."""
    organisation.require(policy.can_allocate_budget(actor, program.value_stream), policy.NOT_VSM)
    if period_end < period_start:
        raise ValidationError({"period_end": "The period cannot end before it starts."})
    allocation = (
        BudgetAllocation.objects.select_for_update()
        .filter(program=program, period_start=period_start)
        .first()
    )
    if allocation is None:
        allocation = BudgetAllocation(program=program, period_start=period_start)
    allocation.period_end = period_end
    allocation.amount = amount
    allocation.allocated_by = actor
    allocation.full_clean(exclude=["program", "allocated_by"], validate_constraints=False)
    allocation.save()
    return allocation


def spend_record(
    *,
    program: Program,
    spent_on: date,
    amount: Decimal,
    description: str,
    source: str = "",
    recorded_by: User | None = None,
) -> SpendEntry | None:
    """Record spend; with a `source` ("execution:12"), at most once (None the second time)."""
    entry = SpendEntry(
        program=program,
        spent_on=spent_on,
        amount=amount,
        description=description[:200],
        source=source,
        recorded_by=recorded_by,
    )
    entry.full_clean(exclude=["program", "recorded_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        return None
    return entry


@transaction.atomic
def prospect_win(*, actor: User, campaign, prospect: Prospect, amount: Decimal, won_on: date):
    """A prospect of the campaign was won: its revenue counts for the campaign's program
    and the prospect moves on to Customer Retention."""
    organisation.require(
        policy.can_manage_campaigns(actor, campaign.team), policy.NOT_CAMPAIGN_MANAGER
    )
    if not Enrollment.objects.filter(campaign=campaign, prospect=prospect).exists():
        raise ValidationError({"prospect": "Choose a prospect of this campaign."})
    if amount <= 0:
        raise ValidationError({"amount": "Enter the order's value."})
    entry = revenue_attribute(
        program=campaign.program, prospect=prospect, amount=amount, won_on=won_on, actor=actor
    )
    # Retention is served by the team that keeps the customer: if that is another
    # team of the value stream, the won prospect is handed to it.
    stages.prospect_stage_move(
        prospect_id=prospect.pk, stage=Stage.RETENTION, value_stream_id=campaign.value_stream_id,
        by=actor, note=f"Won: an order of {amount} on {won_on:%d %b %Y}.", now=timezone.now(),
    )  # fmt: skip
    return entry


def revenue_attribute(
    *, program: Program, prospect: Prospect, amount: Decimal, won_on: date, actor: User | None
) -> RevenueEntry:
    """A prospect won: its revenue counts for `program` (once; a second call updates it)."""
    entry, _ = RevenueEntry.objects.update_or_create(
        program=program,
        prospect=prospect,
        defaults={"amount": amount, "won_on": won_on, "recorded_by": actor},
    )
    return entry
