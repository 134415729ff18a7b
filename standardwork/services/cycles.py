"""All writes to improvement: PDCA/SDCA cycles, control points and measurements.

A cycle moves Plan -> Do -> Check -> Act -> Closed and only so
(ALLOWED_TRANSITIONS). Each move is a service with its own data: Do takes the
actions, Check the result, Act an optional note; closing takes the outcome
(adopt, abandon or a follow-up for PDCA; the standard holds or was corrected
for SDCA). Every move writes a CycleEvent. Adopting a PDCA cycle that may
change standard work makes a new version of that template, linked to the
cycle, so the template's history shows why it changed; the control points
the cycle measures start a new baseline that day.

A control point's values are judged by `standardwork.xmr.judge` (Wheeler's
four rules and the set limits) over the whole series, again after every
write to its values or baselines, and the answer is stored on each value:
the lists, the stand-up agenda and the notice read the same flags the chart
draws. A value can be corrected or voided (with a reason, by the team's TC
or TL); its history is kept in MeasurementChange.

Every service that changes a row takes its id, locks it, then checks the
access policy, then the move and its data, and writes nothing when it refuses.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from roles import policy as organisation
from roles.models import Team, User
from standardwork import calendar, policy, xmr
from standardwork.calendar import team_today
from standardwork.models import (
    Action,
    ControlPoint,
    ControlPointBaseline,
    Cycle,
    CycleEvent,
    Measurement,
    MeasurementChange,
    Notice,
    StandardWorkTemplate,
    TemplateVersion,
)
from standardwork.selectors.cycles import standard_choices
from standardwork.services import followup
from standardwork.services.followup import ActionSpec
from standardwork.services.templates import ItemSpec, template_today, template_version_adopt

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
CORRECT_REFUSED = "Only the team's Team Leader or Team Coordinator corrects or voids its values."
PROCESS_CHANGE_REFUSED = "Only the team's Team Leader or Team Coordinator records a process change."
# A value dated further back than this needs the person entering it to confirm the date.
FAR_PAST = timedelta(days=365)
REPLACED_ON_ENTRY = "Replaced when a new value was entered for its day."
ADOPTED_BASELINE = "New standard adopted from cycle: {title}"


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
    cycle: Cycle,
    actor: User | None,
    from_phase: str,
    to_phase: str,
    note: str = "",
    now: datetime | None = None,
) -> None:
    # Stamped with the move's own instant: history is written once, never backdated.
    CycleEvent.objects.create(
        cycle=cycle,
        actor=actor,
        from_phase=from_phase,
        to_phase=to_phase,
        note=note[:1000],
        at=now or timezone.now(),
    )


def _locked(cycle_id: int) -> Cycle:
    """Call inside a transaction: the cycle, row-locked, with its team and standard."""
    cycle = (
        Cycle.objects.select_for_update(of=("self",))
        .select_related("team", "standard")
        .filter(pk=cycle_id)
        .first()
    )
    if cycle is None:
        raise ValidationError("That cycle no longer exists.")
    return cycle


def _require_move(cycle: Cycle, to_phase: str) -> None:
    refusal = transition_refusal(cycle.phase, to_phase)
    if refusal:
        raise ValidationError(refusal, code="transition")


def _move(
    cycle: Cycle,
    actor: User,
    to_phase: str,
    note: str,
    fields: list[str],
    now: datetime | None = None,
) -> Cycle:
    from_phase = cycle.phase
    cycle.phase = to_phase
    if to_phase == Phase.CLOSED:
        cycle.closed_at = now or timezone.now()
        fields = [*fields, "closed_at"]
    cycle.full_clean(exclude=["team", "standard", "follow_up", "created_by"])
    cycle.save(update_fields=["phase", *fields])
    _event(cycle, actor, from_phase, to_phase, note, now)
    return cycle


# --- Plan -------------------------------------------------------------------------


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
    now: datetime | None = None,
) -> Cycle:
    """Plan a cycle: the problem, the hypothesis and the target (PDCA), or the standard (SDCA)."""
    organisation.require(policy.can_move_cycle(actor, team), MOVE_REFUSED)
    cycle = _new_cycle(
        actor=actor, team=team, kind=kind, title=title, problem=problem,
        hypothesis=hypothesis, target=target, stage=stage, standard=standard,
    )  # fmt: skip
    cycle.save()
    _event(cycle, actor, Phase.PLAN, Phase.PLAN, "Started", now)
    return cycle


# --- Do -----------------------------------------------------------------------------


@transaction.atomic
def cycle_do(
    *,
    actor: User,
    cycle_id: int,
    actions: Iterable[ActionSpec],
    note: str = "",
    now: datetime | None = None,
) -> Cycle:
    """Plan -> Do, with at least one action (owner in the team, due today or later)."""
    cycle = _locked(cycle_id)
    organisation.require(policy.can_move_cycle(actor, cycle.team), MOVE_REFUSED)
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
        cycle,
        actor,
        Phase.DO,
        note.strip() or f"{count} action{'s' if count != 1 else ''}",
        [],
        now,
    )


@transaction.atomic
def cycle_action_add(
    *, actor: User, cycle_id: int, action: ActionSpec, now: datetime | None = None
) -> Action:
    """One more action while the cycle is in Do."""
    cycle = _locked(cycle_id)
    organisation.require(policy.can_move_cycle(actor, cycle.team), MOVE_REFUSED)
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
def cycle_check(
    *, actor: User, cycle_id: int, check_result: str, now: datetime | None = None
) -> Cycle:
    """Do -> Check, with what the results show against the cycle's control points."""
    cycle = _locked(cycle_id)
    organisation.require(policy.can_move_cycle(actor, cycle.team), MOVE_REFUSED)
    _require_move(cycle, Phase.CHECK)
    check_result = check_result.strip()
    if not check_result:
        raise ValidationError(
            {"check_result": "Say what the results show against the cycle's control points."}
        )
    cycle.check_result = check_result
    return _move(cycle, actor, Phase.CHECK, "", ["check_result"], now)


@transaction.atomic
def cycle_act(*, actor: User, cycle_id: int, note: str = "", now: datetime | None = None) -> Cycle:
    """Check -> Act: the team decides what to do with what it learned."""
    cycle = _locked(cycle_id)
    organisation.require(policy.can_move_cycle(actor, cycle.team), MOVE_REFUSED)
    _require_move(cycle, Phase.ACT)
    return _move(cycle, actor, Phase.ACT, note.strip(), [], now)


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


def _close(
    cycle: Cycle, actor: User, *, outcome: str, note: str, fields=(), now: datetime | None = None
) -> Cycle:
    cycle.outcome = outcome
    cycle.outcome_note = note
    return _move(
        cycle,
        actor,
        Phase.CLOSED,
        f"{Outcome(outcome).label}{f': {note}' if note else ''}",
        ["outcome", "outcome_note", *fields],
        now,
    )


def adopt_note(cycle: Cycle) -> str:
    return f"Adopted from PDCA cycle: {cycle.title}"[:300]


@transaction.atomic
def cycle_adopt(
    *,
    actor: User,
    cycle_id: int,
    items: Iterable[ItemSpec] = (),
    note: str = "",
    now: datetime | None = None,
) -> TemplateVersion | None:
    """Act -> Closed, adopted. A cycle that may change standard work makes its new version.

    The version of `cycle.standard` gets `items` and is linked to the cycle;
    checklists issued before keep the version they were issued from. The
    cycle's control points start a new baseline on the day the change takes
    effect. Returns the new version, or None for a cycle without a standard.
    """
    cycle = _locked(cycle_id)
    organisation.require(policy.can_adopt_cycle(actor, cycle.team), ADOPT_REFUSED)
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
        # The cycle's own rule (can_adopt_cycle) was checked above, under the cycle's
        # lock; the template editor's rule is not the one that applies here.
        version = template_version_adopt(
            template_id=cycle.standard.pk,
            items=items,
            note=note[:300],
            cycle=cycle,
            actor=actor,
            effective_from=template_today(cycle.standard, now=now),
        )
    _close(cycle, actor, outcome=Outcome.ADOPT, note=note, now=now)
    starts_on = version.effective_from if version else team_today(cycle.team, now)
    _baselines_for_adoption(cycle, actor=actor, starts_on=starts_on)
    return version


def _baselines_for_adoption(cycle: Cycle, *, actor: User, starts_on: date) -> None:
    """The cycle's control points measure a changed process from `starts_on`."""
    control_points = ControlPoint.objects.select_for_update().filter(cycle=cycle, is_active=True)
    for control_point in control_points:
        ControlPointBaseline.objects.get_or_create(
            control_point=control_point,
            starts_on=starts_on,
            defaults={
                "reason": ADOPTED_BASELINE.format(title=cycle.title)[:300],
                "cycle": cycle,
                "created_by": actor,
            },
        )
        _judge(control_point)


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
    *, actor: User, cycle_id: int, outcome: str, note: str = "", corrective_action: str = ""
) -> Cycle:
    """Act -> Closed: a PDCA cycle abandoned (say why), or an SDCA cycle's check of its
    standard: it holds, or it was corrected (say how)."""
    cycle = _locked(cycle_id)
    organisation.require(policy.can_move_cycle(actor, cycle.team), MOVE_REFUSED)
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
    cycle_id: int,
    title: str,
    problem: str = "",
    hypothesis: str = "",
    target: str = "",
    note: str = "",
) -> Cycle:
    """Act -> Closed with a follow-up: a new cycle in Plan, linked from this one. Returns it."""
    cycle = _locked(cycle_id)
    organisation.require(policy.can_move_cycle(actor, cycle.team), MOVE_REFUSED)
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


# --- control points -------------------------------------------------------------


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
    allows_negative: bool = False,
    plausible_min: Decimal | None = None,
    plausible_max: Decimal | None = None,
) -> ControlPoint:
    """A measure the team watches, on its own or inside one of its open cycles.

    Its values are refused below zero unless `allows_negative`, and outside
    the plausible range when one is given.
    """
    organisation.require(policy.can_manage_control_points(actor, team), CONTROL_POINT_REFUSED)
    name = name.strip()
    errors = {}
    if cycle is not None and cycle.team_id != team.pk:
        errors["cycle"] = "Choose a cycle of this team."
    elif cycle is not None and cycle.phase == Phase.CLOSED:
        errors["cycle"] = "A closed cycle takes no new control points."
    if lower_limit is not None and upper_limit is not None and lower_limit >= upper_limit:
        errors["upper_limit"] = "The upper limit must be above the lower limit."
    if plausible_min is not None and plausible_max is not None and plausible_min >= plausible_max:
        errors["plausible_max"] = "The highest plausible value must be above the lowest."
    elif not allows_negative and plausible_min is not None and plausible_min < 0:
        errors["plausible_min"] = (
            "Values may not be negative: the lowest plausible value is 0 or more."
        )
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
        allows_negative=allows_negative,
        plausible_min=plausible_min,
        plausible_max=plausible_max,
        created_by=actor,
    )
    control_point.full_clean(exclude=["team", "cycle", "created_by"])
    control_point.save()
    return control_point


def _control_point_locked(control_point_id: int) -> ControlPoint:
    """Call inside a transaction: the control point, row-locked, with its team."""
    control_point = (
        ControlPoint.objects.select_for_update(of=("self",))
        .select_related("team")
        .filter(pk=control_point_id)
        .first()
    )
    if control_point is None:
        raise ValidationError("That control point no longer exists.")
    return control_point


def _judge(control_point: ControlPoint) -> dict[int, xmr.Judged]:
    """Judge every value of `control_point` again and store the flags that changed.

    Call inside a transaction holding the control point's row lock. Returns
    each value's judgement by measurement id.
    """
    rows = list(
        Measurement.objects.filter(control_point=control_point, voided_at__isnull=True)
        .order_by("measured_on", "pk")
        .only("pk", "measured_on", "value", "out_of_limits", "signal")
    )
    breaks = [
        xmr.Break(starts_on=baseline.starts_on, reason=baseline.reason)
        for baseline in ControlPointBaseline.objects.filter(control_point=control_point)
    ]
    judgement = xmr.judge(
        [(row.measured_on, row.value) for row in rows],
        breaks=breaks,
        lower_limit=control_point.lower_limit,
        upper_limit=control_point.upper_limit,
    )
    changed = []
    for row, point in zip(rows, judgement.points, strict=True):
        signal = point.signal[:300]
        if (row.out_of_limits, row.signal) != (point.flagged, signal):
            row.out_of_limits, row.signal = point.flagged, signal
            changed.append(row)
    Measurement.objects.bulk_update(changed, ["out_of_limits", "signal"], batch_size=500)
    return {row.pk: point for row, point in zip(rows, judgement.points, strict=True)}


@transaction.atomic
def control_point_judge(*, control_point_id: int) -> int:
    """Judge a control point's values again (after its limits changed, or values were
    written in bulk); no user check, for the admin and the seeds. Returns the count."""
    return len(_judge(_control_point_locked(control_point_id)))


@transaction.atomic
def control_point_baseline_start(
    *,
    actor: User,
    control_point_id: int,
    starts_on: date,
    reason: str,
    now: datetime | None = None,
) -> ControlPointBaseline:
    """The process changed on `starts_on`: its values from then get limits of their own."""
    control_point = _control_point_locked(control_point_id)
    organisation.require(
        policy.can_record_process_change(actor, control_point.team), PROCESS_CHANGE_REFUSED
    )
    reason = reason.strip()
    today = team_today(control_point.team, now)
    errors = {}
    if not reason:
        errors["reason"] = "Say what changed in the process."
    if starts_on > today:
        errors["starts_on"] = "The date cannot be in the future."
    elif ControlPointBaseline.objects.filter(
        control_point=control_point, starts_on=starts_on
    ).exists():
        errors["starts_on"] = (
            f"A new baseline already starts on {xmr.format_day(starts_on, today)}."
        )
    if errors:
        raise ValidationError(errors)
    baseline = ControlPointBaseline(
        control_point=control_point, starts_on=starts_on, reason=reason, created_by=actor
    )
    baseline.full_clean(exclude=["control_point", "cycle", "created_by"])
    baseline.save()
    _judge(control_point)
    return baseline


# --- measurements -------------------------------------------------------------------


def value_refusal(control_point: ControlPoint, value: Decimal) -> str | None:
    """Why `value` cannot be a value of `control_point`; None when it is plausible."""
    unit = control_point.unit
    if value < 0 and not control_point.allows_negative:
        return f"{control_point.name} takes no negative values: enter 0 or more {unit}."
    low, high = control_point.plausible_min, control_point.plausible_max
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            plausible = f"from {xmr.format_number(low)} to {xmr.format_number(high)}"
        elif low is not None:
            plausible = f"{xmr.format_number(low)} or more"
        else:
            plausible = f"up to {xmr.format_number(high)}"
        return (
            f"{format(value.normalize(), 'f')} {unit} is not plausible for {control_point.name} "
            f"({plausible}): check the value."
        )
    return None


def _require_value(control_point: ControlPoint, value: Decimal) -> None:
    refusal = value_refusal(control_point, value)
    if refusal:
        raise ValidationError({"value": refusal})


def date_question(control_point: ControlPoint, measured_on: date, today: date) -> str | None:
    """Why `measured_on` needs the person entering it to confirm it; None when it does not."""
    started = calendar.local_date(control_point.created_at, control_point.team.time_zone)
    day = xmr.format_day(measured_on, today)
    if measured_on < started:
        return (
            f"{day} is before {control_point.name} was set up "
            f"({xmr.format_day(started, today)}). Is the date right?"
        )
    if measured_on < today - FAR_PAST:
        return f"{day} is more than a year ago. Is the date right?"
    return None


def _change(
    measurement: Measurement,
    *,
    actor: User,
    kind: str,
    new_value: Decimal | None,
    reason: str,
) -> MeasurementChange:
    change = MeasurementChange(
        measurement=measurement,
        kind=kind,
        old_value=measurement.value,
        new_value=new_value,
        reason=reason,
        changed_by=actor,
    )
    change.full_clean(exclude=["measurement", "changed_by"])
    change.save()
    return change


def _notify(control_point: ControlPoint, measurement: Measurement, today: date) -> None:
    """The team's coordinator hears of a flagged value, with the rules that fired."""
    team = control_point.team
    if not (measurement.out_of_limits and team.coordinator_id):
        return
    followup.notice_send(
        recipient_id=team.coordinator_id,
        kind=Notice.Kind.CONTROL_POINT,
        day=today,
        text=(
            f"{control_point.name} ({team.name}): {xmr.format_number(measurement.value)} "
            f"{control_point.unit} on {xmr.format_day(measurement.measured_on, today)}. "
            f"{measurement.signal}."
        ),
        url_name="standardwork:control_point_detail",
        url_args=[control_point.pk],
        about=followup.notice_about("measurement", measurement.pk),
    )


def _resolve_if_within_limits(measurement: Measurement) -> None:
    """A value corrected back within limits, or voided, resolves the notices about it."""
    if measurement.voided_at is not None or not measurement.out_of_limits:
        followup.notices_resolve(about=followup.notice_about("measurement", measurement.pk))


def _store_judgement(measurement: Measurement, judged: dict[int, xmr.Judged]) -> Measurement:
    point = judged.get(measurement.pk)
    measurement.out_of_limits = bool(point and point.flagged)
    measurement.signal = point.signal[:300] if point else ""
    return measurement


@transaction.atomic
def measurement_record(
    *,
    actor: User,
    control_point_id: int,
    value: Decimal,
    measured_on: date,
    confirm_date: bool = False,
    replace: bool = False,
    now: datetime | None = None,
) -> Measurement:
    """Record one value by hand, one a day.

    A value below zero (unless the control point allows it) or outside its
    plausible range is refused. A date before the control point was set up,
    or more than a year ago, is refused unless `confirm_date` (code
    "confirm_date"); a day that has a value is refused unless `replace` (code
    "replace"), which corrects that value (the TC or TL only). The series is
    judged again; a flagged value tells the team's coordinator, with the
    rules that fired (the next stand-up's agenda lists it from the flag).
    """
    control_point = _control_point_locked(control_point_id)
    team = control_point.team
    organisation.require(policy.can_record_measurement(actor, team), MEASURE_REFUSED)
    today = team_today(team, now)
    if not control_point.is_active:
        raise ValidationError("This control point is no longer measured.")
    if measured_on > today:
        raise ValidationError({"measured_on": "The date cannot be in the future."})
    measurement = Measurement(
        control_point=control_point, value=value, measured_on=measured_on, entered_by=actor
    )
    measurement.full_clean(exclude=["control_point", "entered_by"], validate_constraints=False)
    _require_value(control_point, measurement.value)
    question = date_question(control_point, measured_on, today)
    if question and not confirm_date:
        raise ValidationError({"measured_on": ValidationError(question, code="confirm_date")})
    existing = (
        Measurement.objects.select_for_update()
        .filter(control_point=control_point, measured_on=measured_on, voided_at__isnull=True)
        .first()
    )
    if existing is not None:
        if not replace:
            raise ValidationError(
                {
                    "measured_on": ValidationError(
                        f"{xmr.format_day(measured_on, today, weekday=True)} already has a "
                        f"value: {xmr.format_number(existing.value)} {control_point.unit}. "
                        "Replace it?",
                        code="replace",
                    )
                }
            )
        organisation.require(policy.can_correct_measurement(actor, team), CORRECT_REFUSED)
        if existing.value != measurement.value:
            _change(
                existing,
                actor=actor,
                kind=MeasurementChange.Kind.CORRECTED,
                new_value=measurement.value,
                reason=REPLACED_ON_ENTRY,
            )
            existing.value = measurement.value
            existing.save(update_fields=["value"])
        measurement = existing
    else:
        measurement.save()
    _store_judgement(measurement, _judge(control_point))
    if existing is not None:
        _resolve_if_within_limits(measurement)
    _notify(control_point, measurement, today)
    return measurement


def _measurement_locked(measurement_id: int) -> tuple[ControlPoint, Measurement]:
    """Call inside a transaction: the value and its control point, both row-locked.

    The control point is locked first, as when a value is recorded.
    """
    control_point_id = (
        Measurement.objects.filter(pk=measurement_id)
        .values_list("control_point_id", flat=True)
        .first()
    )
    if control_point_id is None:
        raise ValidationError("That value no longer exists.")
    control_point = _control_point_locked(control_point_id)
    measurement = Measurement.objects.select_for_update().get(pk=measurement_id)
    return control_point, measurement


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why, so the history explains it."})
    return reason


@transaction.atomic
def measurement_correct(
    *, actor: User, measurement_id: int, value: Decimal, reason: str
) -> Measurement:
    """Correct a value, with the reason; its old value stays in its history and the
    series is judged again."""
    control_point, measurement = _measurement_locked(measurement_id)
    organisation.require(policy.can_correct_measurement(actor, control_point.team), CORRECT_REFUSED)
    if measurement.voided_at is not None:
        raise ValidationError("This value was voided; record a new one for its day instead.")
    reason = _require_reason(reason)
    corrected = Measurement(value=value, measured_on=measurement.measured_on)
    corrected.full_clean(exclude=["control_point", "entered_by"], validate_constraints=False)
    _require_value(control_point, corrected.value)
    if corrected.value == measurement.value:
        raise ValidationError({"value": "That is the value already recorded."})
    _change(
        measurement,
        actor=actor,
        kind=MeasurementChange.Kind.CORRECTED,
        new_value=corrected.value,
        reason=reason,
    )
    measurement.value = corrected.value
    measurement.save(update_fields=["value"])
    _store_judgement(measurement, _judge(control_point))
    _resolve_if_within_limits(measurement)
    return measurement


@transaction.atomic
def measurement_void(
    *, actor: User, measurement_id: int, reason: str, now: datetime | None = None
) -> Measurement:
    """Take a value out of the series, with the reason: it stays, marked voided, and
    the series is judged again without it."""
    control_point, measurement = _measurement_locked(measurement_id)
    organisation.require(policy.can_correct_measurement(actor, control_point.team), CORRECT_REFUSED)
    if measurement.voided_at is not None:
        raise ValidationError("This value is already voided.")
    reason = _require_reason(reason)
    _change(
        measurement, actor=actor, kind=MeasurementChange.Kind.VOIDED, new_value=None, reason=reason
    )
    measurement.voided_at = now or timezone.now()
    measurement.out_of_limits, measurement.signal = False, ""
    measurement.save(update_fields=["voided_at", "out_of_limits", "signal"])
    _judge(control_point)
    _resolve_if_within_limits(measurement)
    return measurement
