"""Budget and ROI: the VSM's programs, allocations, spend, revenue and ROI."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from leanops.base.forms import form_apply_service
from valuestream.forms.economics import AllocationForm
from valuestream.models import Program
from valuestream.selectors import economics as selectors
from valuestream.services import economics as economics_services


@require_GET
@login_required
def economics(request):
    value_streams = selectors.managed_value_streams(request.user)
    figures = selectors.economics(value_streams)
    forms = {
        vs.pk: AllocationForm(programs=Program.objects.filter(value_stream=vs), prefix=f"vs{vs.pk}")
        for vs in value_streams
    }
    return render(
        request,
        "valuestream/economics.html",
        {
            "figures": [(f, forms[f.value_stream.pk]) for f in figures],
            "allocations": selectors.allocations(
                [p.program.pk for f in figures for p in f.programs]
            ),
        },
    )


@require_POST
@login_required
def budget_allocate(request, value_stream_id: int):
    """Only the VSM allocates: another person's value stream is not found."""
    value_stream = selectors.managed_value_streams(request.user).filter(pk=value_stream_id).first()
    if value_stream is None:
        raise Http404("No such value stream.")
    form = AllocationForm(
        request.POST, programs=Program.objects.filter(value_stream=value_stream),
        prefix=f"vs{value_stream.pk}",
    )  # fmt: skip
    if form.is_valid():
        data = form.cleaned_data
        allocation = form_apply_service(
            form,
            lambda: economics_services.budget_allocate(
                actor=request.user,
                program=data["program"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                amount=data["amount"],
            ),
        )
        if allocation is not None:
            messages.success(
                request, f"{allocation.amount} allocated to {allocation.program.name}."
            )
            return redirect("valuestream:economics")
    messages.error(request, "The allocation was not saved: " + "; ".join(
        f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()
    ))  # fmt: skip
    return redirect("valuestream:economics")
