"""All writes to improvement: PDCA/SDCA cycles, control points and measurements.

A cycle moves Plan -> Do -> Check -> Act -> Closed and only so
(ALLOWED_TRANSITIONS). Each move is a service with its own data: Do takes the
actions, Check the result, Act an optional note; closing takes the outcome
(adopt, abandon or a follow-up for PDCA; the standard holds or was corrected
for SDCA). Every move writes a CycleEvent. Adopting a PDCA cycle that may
change standard work makes a new version of that template, linked to the
cycle, so the template's history shows why it changed.

Every service checks the access policy first, then the move, then its data,
and writes nothing when it refuses.
"""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from roles import policy as organisation
from roles.models import Team, User
from standardwork import policy, xmr
from standardwork.calendar import team_today
from standardwork.models import (
    Action,
    ControlPoint,
    Cycle,
    CycleEvent,
    Measurement,
    Notice,
    StandardWorkTemplate,
    TemplateVersion,
)
from standardwork.services import followup
from standardwork.services.followup import ActionSpec
from standardwork.services.templates import ItemSpec, template_revise

Phase = Cycle.Phase
Outcome = Cycle.Outcome

# The only moves a cycle makes. Anything else is refused with a message.
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Phase.PLAN: (Phase.DO,),
    Phase.DO: (Phase.CHECK,),
    Phase.CHECK: (Phase.ACT,),
    Phase.ACT: (Phase.CLOSED,),
    Phase.CLOSED: (),
}

OUTCOMES: dict[str, tuple[str, ...]] = {
    Cycle.Kind.PDCA: (Outcome.ADOPT, Outcome.ABANDON, Outcome.FOLLOW_UP),
    Cycle.Kind.SDCA: (Outcome.STANDARD_HOLDS, Outcome.CORRECTED),
}

MOVE_REFUSED = "Only the team's members, Team Leader and Team Coordinator move its cycles."
ADOPT_REFUSED = "Only the team's Team Leader, Team Coordinator or VSM adopts a cycle."
CONTROL_POINT_REFUSED = "Only the team's Team Leader, Team Coordinator or VSM adds control points."
MEASURE_REFUSED = "Only the team, its coordinator and its VSM record its measurements."


def transition_refusal(from_phase: str, to_phase: str) -> str | None:
    """Why a cycle in `from_phase` cannot move to `to_phase`; None when it can."""
    if to_phase in ALLOWED_TRANSITIONS[from_phase]:
        return None
    if from_phase == Phase.CLOSED:
        return "This cycle is closed and moves no further; start a new cycle instead."
    if from_phase == to_phase:
        return f"This cycle is already in {Phase(to_phase).label}."
    allowed = " or ".join(Phase(phase).label for phase in ALLOWED_TRANSITIONS[from_phase])
    return (
        f"A cycle in {Phase(from_phase).label} moves to {allowed}, not to {Phase(to_phase).label}."
    )


def next_phase(phase: str) -> str | None:
    allowed = ALLOWED_TRANSITIONS[phase]
    return allowed[0] if allowed else None


def _event(
    cycle: Cycle, actor: User | None, from_phase: str, to_phase: str, note: str = ""
) -> None:
    CycleEvent.objects.create(
        cycle=cycle, actor=actor, from_phase=from_phase, to_phase=to_phase, note=note[:1000]
    )


def _locked(cycle: Cycle) -> Cycle:
    """Call inside a transaction: the cycle, row-locked, with its team and standard."""
    return (
        Cycle.objects.select_for_update(of=("self",))
        .select_related("team", "standard")
        .get(pk=cycle.pk)
    )


def _require_move(cycle: Cycle, to_phase: str) -> None:
    refusal = transition_refusal(cycle.phase, to_phase)
    if refusal:
        raise ValidationError(refusal, code="transition")


def _move(cycle: Cycle, actor: User, to_phase: str, note: str, fields: list[str]) -> Cycle:
    from_phase = cycle.phase
    cycle.phase = to_phase
    if to_phase == Phase.CLOSED:
        cycle.closed_at = timezone.now()
        fields = [*fields, "closed_at"]
    cycle.full_clean(exclude=["team", "standard", "follow_up", "created_by"])
    cycle.save(update_fields=["phase", *fields])
    _event(cycle, actor, from_phase, to_phase, note)
    return cycle


# --- Plan -------------------------------------------------------------------------


def standard_choices(team: Team) -> QuerySet[StandardWorkTemplate]:
    """Standard work a cycle of `team` may check or change: the team's or its value streams'."""
    return StandardWorkTemplate.objects.filter(
        Q(team=team) | Q(value_stream__in=team.value_streams.values("pk"))
    ).order_by("layer", "name")


def _new_cycle(
    *,
    actor: User,
    team: Team,
    kind: str,
    title: str,
    problem: str,
    hypothesis: str,
    target: str,
    stage: str,
    standard: StandardWorkTemplate | None,
) -> Cycle:
    """A cycle in Plan, validated but not saved."""
    cycle = Cycle(
        team=team,
        kind=kind,
        stage=stage or "",
        title=title.strip(),
        problem=problem.strip(),
        hypothesis=hypothesis.strip(),
        target=target.strip(),
        standard=standard,
        phase=Phase.PLAN,
        created_by=actor,
    )
    errors: dict[str, str] = {}
    if kind == Cycle.Kind.PDCA:
        if not cycle.problem:
            errors["problem"] = "Say what problem the cycle is to solve."
        if not cycle.hypothesis:
            errors["hypothesis"] = "Say what you think will solve it."
        if not cycle.target:
            errors["target"] = "Say what result would show it worked."
    if kind == Cycle.Kind.SDCA and standard is None:
        errors["standard"] = "An SDCA cycle checks an existing standard: choose it."
    if standard is not None and not standard_choices(team).filter(pk=standard.pk).exists():
        errors["standard"] = "Choose standard work of this team or of a value stream it serves."
    if cycle.stage and team.stages and cycle.stage not in team.stages:
        errors["stage"] = f"{team.name} does not cover that stage."
    try:
        cycle.full_clean(exclude=["team", "standard", "follow_up", "created_by"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, " ".join(messages))
    if errors:
        raise ValidationError(errors)
    return cycle


@transaction.atomic
def cycle_start(
    *,
    actor: User,
    team: Team,
    title: str,
    kind: str = Cycle.Kind.PDCA,
    problem: str = "",
    hypothesis: str = "",
    target: str = "",
    stage: str = "",
    standard: StandardWorkTemplate | None = None,
) -> Cycle:
    """Plan a cycle: the problem, the hypothesis and the target (PDCA), or the standard (SDCA)."""
    organisation.require(policy.can_move_cycle(actor, team), MOVE_REFUSED)
    cycle = _new_cycle(
        actor=actor, team=team, kind=kind, title=title, problem=problem,
        hypothesis=hypothesis, target=target, stage=stage, standard=standard,
    )  # fmt: skip
    cycle.save()
    _event(cycle, actor, Phase.PLAN, Phase.PLAN, "Started")
    return cycle


# --- Do -----------------------------------------------------------------------------


@transaction.atomic
def cycle_do(
    *,
    actor: User,
    cycle: Cycle,
    actions: Iterable[ActionSpec],
    note: str = "",
    now: datetime | None = None,
) -> Cycle:
    """Plan -> Do, with at least one action (owner in the team, due today or later)."""
    organisation.require(policy.can_move_cycle(actor, cycle.team), MOVE_REFUSED)
    cycle = _locked(cycle)
    _require_move(cycle, Phase.DO)
    specs = list(actions)
    if not specs:
        raise ValidationError({"actions": "Add at least one action to do."})
    rows = followup.actions_create(
        actor=actor,
        team=cycle.team,
        specs=specs,
        source=Action.Source.CYCLE,
        cycle=cycle,
        now=now,
    )
    count = len(rows)
    return _move(
        cycle, actor, Phase.DO, note.strip() or f"{count} action{'s' if count != 1 else ''}", []
    )


@transaction.atomic
def cycle_action_add(
    *, actor: User, cycle: Cycle, action: ActionSpec, now: datetime | None = None
) -> Action:
    """One more action while the cycle is in Do."""
    organisation.require(policy.can_move_cycle(actor, cycle.team), MOVE_REFUSED)
    cycle = _locked(cycle)
    if cycle.phase != Phase.DO:
        raise ValidationError(
            f"Actions are added in Do; this cycle is in {cycle.get_phase_display()}.",
            code="transition",
        )
    return followup.action_create(
        actor=actor,
        team=cycle.team,
        title=action.title,
        owner=action.owner,
        due_date=action.due_date,
        source=Action.Source.CYCLE,
        cycle=cycle,
        now=now,
    )


# --- Check and Act ----------------------------------------------------------------


@transaction.atomic
def cycle_check(*, actor: User, cycle: Cycle, check_result: str) -> Cycle:
    """Do -> Check, with what the results show against the cycle's control points."""
    organisation.require(policy.can_move_cycle(actor, cycle.team), MOVE_REFUSED)
    cycle = _locked(cycle)
    _require_move(cycle, Phase.CHECK)
    check_result = check_result.strip()
    if not check_result:
        raise ValidationError(
            {"check_result": "Say what the results show against the cycle's control points."}
        )
    cycle.check_result = check_result
    return _move(cycle, actor, Phase.CHECK, "", ["check_result"])


@transaction.atomic
def cycle_act(*, actor: User, cycle: Cycle, note: str = "") -> Cycle:
    """Check -> Act: the team decides what to do with what it learned."""
    organisation.require(policy.can_move_cycle(actor, cycle.team), MOVE_REFUSED)
    cycle = _locked(cycle)
    _require_move(cycle, Phase.ACT)
    return _move(cycle, actor, Phase.ACT, note.strip(), [])


def outcome_refusal(cycle: Cycle, outcome: str) -> str | None:
    """Why `cycle` cannot end with `outcome`; None when its kind allows it."""
    if outcome in OUTCOMES[cycle.kind]:
        return None
    choices = [f'"{Outcome(choice).label}"' for choice in OUTCOMES[cycle.kind]]
    article = "An" if cycle.kind == Cycle.Kind.SDCA else "A"
    return (
        f"{article} {cycle.get_kind_display()} cycle ends with "
        f"{', '.join(choices[:-1])} or {choices[-1]}."
    )


def _require_outcome(cycle: Cycle, outcome: str) -> None:
    refusal = outcome_refusal(cycle, outcome)
    if refusal:
        raise ValidationError(refusal, code="transition")


def _close(cycle: Cycle, actor: User, *, outcome: str, note: str, fields=()) -> Cycle:
    cycle.outcome = outcome
    cycle.outcome_note = note
    return _move(
        cycle,
        actor,
        Phase.CLOSED,
        f"{Outcome(outcome).label}{f': {note}' if note else ''}",
        ["outcome", "outcome_note", *fields],
    )


def adopt_note(cycle: Cycle) -> str:
    return f"Adopted from PDCA cycle: {cycle.title}"[:300]


@transaction.atomic
def cycle_adopt(
    *, actor: User, cycle: Cycle, items: Iterable[ItemSpec] = (), note: str = ""
) -> TemplateVersion | None:
    """Act -> Closed, adopted. A cycle that may change standard work makes its new version.

    The version of `cycle.standard` gets `items` and is linked to the cycle;
    checklists issued before keep the version they were issued from. Returns
    the new version, or None for a cycle without a standard.
    """
    organisation.require(policy.can_adopt_cycle(actor, cycle.team), ADOPT_REFUSED)
    cycle = _locked(cycle)
    _require_move(cycle, Phase.CLOSED)
    _require_outcome(cycle, Outcome.ADOPT)
    note = note.strip() or adopt_note(cycle)
    version = None
    if cycle.standard is not None:
        items = list(items)
        if not items:
            raise ValidationError({"items": "The adopted standard needs at least one item."})
        current = cycle.standard.versions.order_by("-number").first()
        if current is not None and _same_items(current, items):
            raise ValidationError(
                {
                    "items": f"These are the items of version {current.number}: change the "
                    "standard to adopt, or end the cycle another way."
                }
            )
        version = template_revise(
            actor=actor,
            template=cycle.standard,
            items=items,
            note=note[:300],
            cycle=cycle,
            check_access=False,
        )
    _close(cycle, actor, outcome=Outcome.ADOPT, note=note)
    return version


def _same_items(version: TemplateVersion, items: list[ItemSpec]) -> bool:
    current = [
        ItemSpec(
            title=item.title,
            cadence=item.cadence,
            expected_minutes=item.expected_minutes,
            kind=item.kind,
            weekday=item.weekday,
            day_of_month=item.day_of_month,
        )
        for item in version.items.order_by("position", "pk")
    ]
    return current == [
        ItemSpec(
            title=spec.title,
            cadence=spec.cadence,
            expected_minutes=spec.expected_minutes,
            kind=spec.kind,
            weekday=spec.weekday if spec.cadence == "weekly" else None,
            day_of_month=spec.day_of_month if spec.cadence == "monthly" else None,
        )
        for spec in items
    ]


@transaction.atomic
def cycle_close(
    *, actor: User, cycle: Cycle, outcome: str, note: str = "", corrective_action: str = ""
) -> Cycle:
    """Act -> Closed: a PDCA cycle abandoned (say why), or an SDCA cycle's check of its
    standard: it holds, or it was corrected (say how)."""
    organisation.require(policy.can_move_cycle(actor, cycle.team), MOVE_REFUSED)
    cycle = _locked(cycle)
    _require_move(cycle, Phase.CLOSED)
    _require_outcome(cycle, outcome)
    if outcome in (Outcome.ADOPT, Outcome.FOLLOW_UP):
        raise ValidationError({"outcome": f'"{Outcome(outcome).label}" has its own form.'})
    note, corrective_action = note.strip(), corrective_action.strip()
    if outcome == Outcome.ABANDON and not note:
        raise ValidationError({"note": "Say why the cycle is abandoned."})
    if outcome == Outcome.CORRECTED and not corrective_action:
        raise ValidationError({"corrective_action": "Describe the corrective action taken."})
    if outcome != Outcome.CORRECTED:
        corrective_action = ""
    cycle.corrective_action = corrective_action
    return _close(cycle, actor, outcome=outcome, note=note, fields=["corrective_action"])


@transaction.atomic
def cycle_follow_up(
    *,
    actor: User,
    cycle: Cycle,
    title: str,
    problem: str = "",
    hypothesis: str = "",
    target: str = "",
    note: str = "",
) -> Cycle:
    """Act -> Closed with a follow-up: a new cycle in Plan, linked from this one. Returns it."""
    organisation.require(policy.can_move_cycle(actor, cycle.team), MOVE_REFUSED)
    cycle = _locked(cycle)
    _require_move(cycle, Phase.CLOSED)
    _require_outcome(cycle, Outcome.FOLLOW_UP)
    follow_up = _new_cycle(
        actor=actor, team=cycle.team, kind=cycle.kind, title=title, problem=problem,
        hypothesis=hypothesis, target=target, stage=cycle.stage, standard=cycle.standard,
    )  # fmt: skip
    follow_up.save()
    _event(follow_up, actor, Phase.PLAN, Phase.PLAN, f"Started as a follow-up of {cycle.title}")
    cycle.follow_up = follow_up
    _close(
        cycle,
        actor,
        outcome=Outcome.FOLLOW_UP,
        note=note.strip() or f"Follow-up: {follow_up.title}",
        fields=["follow_up"],
    )
    return follow_up


# --- control points and measurements -------------------------------------------


@transaction.atomic
def control_point_create(
    *,
    actor: User,
    team: Team,
    name: str,
    unit: str,
    target: Decimal | None = None,
    lower_limit: Decimal | None = None,
    upper_limit: Decimal | None = None,
    cycle: Cycle | None = None,
) -> ControlPoint:
    """A measure the team watches, on its own or inside one of its open cycles."""
    organisation.require(policy.can_manage_control_points(actor, team), CONTROL_POINT_REFUSED)
    name = name.strip()
    errors = {}
    if cycle is not None and cycle.team_id != team.pk:
        errors["cycle"] = "Choose a cycle of this team."
    elif cycle is not None and cycle.phase == Phase.CLOSED:
        errors["cycle"] = "A closed cycle takes no new control points."
    if lower_limit is not None and upper_limit is not None and lower_limit >= upper_limit:
        errors["upper_limit"] = "The upper limit must be above the lower limit."
    if name and ControlPoint.objects.filter(team=team, name__iexact=name).exists():
        errors["name"] = f"{team.name} already has a control point called {name}."
    if errors:
        raise ValidationError(errors)
    control_point = ControlPoint(
        team=team,
        cycle=cycle,
        name=name,
        unit=unit.strip(),
        target=target,
        lower_limit=lower_limit,
        upper_limit=upper_limit,
        created_by=actor,
    )
    control_point.full_clean(exclude=["team", "cycle", "created_by"])
    control_point.save()
    return control_point


def _baseline_with(
    control_point: ControlPoint, *, value: Decimal, measured_on: date
) -> list[Decimal]:
    """The first BASELINE_SIZE values as they will be once `value` is saved.

    A new row sorts after every row of its day and before later days, the
    order (measured_on, pk) the chart uses.
    """
    existing = list(
        control_point.measurements.order_by("measured_on", "pk").values_list(
            "measured_on", "value"
        )[: xmr.BASELINE_SIZE]
    )
    position = sum(1 for day, _ in existing if day <= measured_on)
    rows = [row_value for _, row_value in existing]
    rows.insert(position, value)
    return rows[: xmr.BASELINE_SIZE]


@transaction.atomic
def measurement_record(
    *,
    actor: User,
    control_point: ControlPoint,
    value: Decimal,
    measured_on: date,
    now: datetime | None = None,
) -> Measurement:
    """Record one value by hand. A value outside the set limits or the natural process
    limits is flagged, with its signal, and the team's coordinator gets a notice (the
    next stand-up's agenda lists it from the flag)."""
    organisation.require(policy.can_record_measurement(actor, control_point.team), MEASURE_REFUSED)
    control_point = (
        ControlPoint.objects.select_for_update(of=("self",))
        .select_related("team", "team__coordinator")
        .get(pk=control_point.pk)
    )
    team = control_point.team
    today = team_today(team, now)
    if not control_point.is_active:
        raise ValidationError("This control point is no longer measured.")
    if measured_on > today:
        raise ValidationError({"measured_on": "The date cannot be in the future."})
    measurement = Measurement(
        control_point=control_point, value=value, measured_on=measured_on, entered_by=actor
    )
    measurement.full_clean(exclude=["control_point", "entered_by"])
    found = xmr.signals(
        measurement.value,
        limits=xmr.natural_limits(
            _baseline_with(control_point, value=measurement.value, measured_on=measured_on)
        ),
        lower_limit=control_point.lower_limit,
        upper_limit=control_point.upper_limit,
    )
    measurement.out_of_limits = bool(found)
    measurement.signal = "; ".join(found)[:200]
    measurement.save()
    if found and team.coordinator_id:
        Notice.objects.create(
            recipient=team.coordinator,
            kind=Notice.Kind.CONTROL_POINT,
            date=today,
            text=(
                f"{control_point.name} ({team.name}): {xmr.format_number(measurement.value)} "
                f"{control_point.unit} on {measured_on:%d %b}. {measurement.signal}."
            )[:300],
            url=reverse("standardwork:control_point_detail", args=[control_point.pk]),
        )
    return measurement
