"""Budget, spend, attributed revenue and ROI per program and per value stream."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from roles.models import User, ValueStream
from valuestream.models import BudgetAllocation, Program, RevenueEntry, SpendEntry


def roi_percent(revenue: Decimal, spend: Decimal) -> Decimal | None:
    if not spend:
        return None
    return ((revenue - spend) / spend * 100).quantize(Decimal("0.1"))


@dataclass
class ProgramFigures:
    program: Program
    allocated: Decimal
    spent: Decimal
    revenue: Decimal

    @property
    def roi(self) -> Decimal | None:
        return roi_percent(self.revenue, self.spent)

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.spent


@dataclass
class ValueStreamFigures:
    value_stream: ValueStream
    programs: list[ProgramFigures]

    def _total(self, name: str) -> Decimal:
        return sum((getattr(p, name) for p in self.programs), Decimal(0))

    @property
    def allocated(self) -> Decimal:
        return self._total("allocated")

    @property
    def spent(self) -> Decimal:
        return self._total("spent")

    @property
    def revenue(self) -> Decimal:
        return self._total("revenue")

    @property
    def roi(self) -> Decimal | None:
        return roi_percent(self.revenue, self.spent)


def _sums(model, amount: str = "amount", *, value_streams) -> dict[int, Decimal]:
    rows = (
        model.objects.filter(program__value_stream__in=value_streams)
        .values("program_id")
        .annotate(total=Sum(amount))
    )
    return {row["program_id"]: row["total"] or Decimal(0) for row in rows}


def managed_value_streams(user: User):
    if not user.is_authenticated:
        return ValueStream.objects.none()
    return ValueStream.objects.filter(vsm=user).order_by("name")


def economics(value_streams) -> list[ValueStreamFigures]:
    """Figures for every program of `value_streams` (five queries in all)."""
    value_streams = list(value_streams)
    allocated = _sums(BudgetAllocation, value_streams=value_streams)
    spent = _sums(SpendEntry, value_streams=value_streams)
    revenue = _sums(RevenueEntry, value_streams=value_streams)
    programs = Program.objects.filter(value_stream__in=value_streams).order_by("name")
    by_stream: dict[int, list[ProgramFigures]] = {vs.pk: [] for vs in value_streams}
    for program in programs:
        by_stream[program.value_stream_id].append(
            ProgramFigures(
                program,
                allocated.get(program.pk, Decimal(0)),
                spent.get(program.pk, Decimal(0)),
                revenue.get(program.pk, Decimal(0)),
            )
        )
    return [ValueStreamFigures(vs, by_stream[vs.pk]) for vs in value_streams]


def allocations(program_ids) -> list[BudgetAllocation]:
    return list(
        BudgetAllocation.objects.filter(program_id__in=program_ids)
        .select_related("program", "allocated_by")
        .order_by("-period_start")[:20]
    )
