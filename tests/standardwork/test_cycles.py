"""PDCA/SDCA cycles: the state machine, adopting into standard work, follow-ups, SDCA
outcomes and who may do what. Every refusal also proves nothing was written."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from roles.models import Layer
from standardwork.models import (
    Action,
    Check,
    ControlPoint,
    Cycle,
    CycleEvent,
    StandardWorkTemplate,
    TemplateItem,
    TemplateVersion,
)
from standardwork.services import checklists as checklist_services
from standardwork.services import cycles as cycle_services
from standardwork.services import templates as template_services
from standardwork.services.followup import ActionSpec
from standardwork.services.templates import ItemSpec
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory, ValueStreamFactory
from tests.standardwork.conftest import at

pytestmark = pytest.mark.django_db

Phase = Cycle.Phase
Outcome = Cycle.Outcome
MONDAY = at("2026-03-02 08:00", "Europe/London")
PHASES = [Phase.PLAN, Phase.DO, Phase.CHECK, Phase.ACT, Phase.CLOSED]
ALLOWED = {(Phase.PLAN, Phase.DO), (Phase.DO, Phase.CHECK), (Phase.CHECK, Phase.ACT),
           (Phase.ACT, Phase.CLOSED)}  # fmt: skip


@pytest.fixture
def team_standard(org):
    """The North team's own Team Leader standard work, version 1."""
    return template_services.template_create(
        actor=org["coordinator"], name="North TL daily", layer=Layer.TL, team=org["team"],
        items=[
            ItemSpec("Head the daily stand-up", expected_minutes=15, kind=TemplateItem.Kind.ATTEND),
            ItemSpec("Check call-list progress", expected_minutes=10),
        ],
    )  # fmt: skip


def new_cycle(org, *, phase=Phase.PLAN, kind=Cycle.Kind.PDCA, standard=None, **fields) -> Cycle:
    """A cycle put straight into `phase` (arranging; the moves under test use services)."""
    return Cycle.objects.create(
        team=org["team"], kind=kind, title=fields.pop("title", "Shorter stand-ups"),
        problem="Stand-ups run 25 minutes", hypothesis="Logging calls first cuts it to 15",
        target="15 minutes", phase=phase, standard=standard, created_by=org["leader"], **fields,
    )  # fmt: skip


def snapshot(cycle: Cycle) -> tuple:
    cycle.refresh_from_db()
    return (
        cycle.phase, cycle.outcome, cycle.check_result, cycle.closed_at, cycle.follow_up_id,
        CycleEvent.objects.count(), Action.objects.count(), Cycle.objects.count(),
        TemplateVersion.objects.count(),
    )  # fmt: skip


def move(org, cycle: Cycle, to_phase: str, actor=None):
    """Call the service that moves `cycle` to `to_phase`, with valid data."""
    actor = actor or org["leader"]
    if to_phase == Phase.DO:
        return cycle_services.cycle_do(
            actor=actor, cycle_id=cycle.pk,
            actions=[ActionSpec("Log calls before the stand-up", org["member"], date(2026, 3, 6))],
            now=MONDAY,
        )  # fmt: skip
    if to_phase == Phase.CHECK:
        return cycle_services.cycle_check(
            actor=actor, cycle_id=cycle.pk, check_result="Stand-ups took 14 minutes on average"
        )
    if to_phase == Phase.ACT:
        return cycle_services.cycle_act(actor=actor, cycle_id=cycle.pk)
    return cycle_services.cycle_close(
        actor=actor, cycle_id=cycle.pk, outcome=Outcome.ABANDON, note="No time this quarter"
    )


# --- the state machine ------------------------------------------------------------


@pytest.mark.parametrize("to_phase", PHASES, ids=str)
@pytest.mark.parametrize("from_phase", PHASES, ids=str)
def test_the_transition_table_allows_exactly_plan_do_check_act_closed(from_phase, to_phase):
    refusal = cycle_services.transition_refusal(from_phase, to_phase)

    assert (refusal is None) == ((from_phase, to_phase) in ALLOWED)


@pytest.mark.parametrize(
    ("from_phase", "to_phase", "message"),
    [
        (Phase.PLAN, Phase.ACT, "A cycle in Plan moves to Do, not to Act."),
        (Phase.PLAN, Phase.CHECK, "A cycle in Plan moves to Do, not to Check."),
        (Phase.DO, Phase.PLAN, "A cycle in Do moves to Check, not to Plan."),
        (Phase.CHECK, Phase.CLOSED, "A cycle in Check moves to Act, not to Closed."),
        (Phase.ACT, Phase.DO, "A cycle in Act moves to Closed, not to Do."),
        (Phase.DO, Phase.DO, "This cycle is already in Do."),
        (Phase.CLOSED, Phase.PLAN,
         "This cycle is closed and moves no further; start a new cycle instead."),
    ],
)  # fmt: skip
def test_a_refused_transition_says_where_the_cycle_can_go(from_phase, to_phase, message):
    assert cycle_services.transition_refusal(from_phase, to_phase) == message


@pytest.mark.parametrize("to_phase", [Phase.DO, Phase.CHECK, Phase.ACT, Phase.CLOSED], ids=str)
@pytest.mark.parametrize("from_phase", PHASES, ids=str)
def test_every_move_service_makes_only_the_allowed_move(org, from_phase, to_phase):
    cycle = new_cycle(org, phase=from_phase)
    before = snapshot(cycle)

    if (from_phase, to_phase) in ALLOWED:
        move(org, cycle, to_phase)
        cycle.refresh_from_db()
        assert cycle.phase == to_phase
        event = cycle.events.get()
        assert (event.from_phase, event.to_phase, event.actor) == (
            from_phase, to_phase, org["leader"],
        )  # fmt: skip
    else:
        with pytest.raises(ValidationError) as refused:
            move(org, cycle, to_phase)
        assert refused.value.messages == [cycle_services.transition_refusal(from_phase, to_phase)]
        assert snapshot(cycle) == before


def test_start_plans_a_cycle_and_records_it_in_the_history(org, team_standard):
    cycle = cycle_services.cycle_start(
        actor=org["member"], team=org["team"], title="Shorter stand-ups",
        problem="Stand-ups run 25 minutes", hypothesis="Log calls first",
        target="15 minutes", stage="identification", standard=team_standard,
    )  # fmt: skip

    assert (cycle.phase, cycle.kind, cycle.stage, cycle.standard, cycle.created_by) == (
        Phase.PLAN, Cycle.Kind.PDCA, "identification", team_standard, org["member"],
    )  # fmt: skip
    assert list(cycle.events.values_list("from_phase", "to_phase", "note")) == [
        ("plan", "plan", "Started")
    ]


def test_a_pdca_plan_needs_its_problem_hypothesis_and_target(org):
    with pytest.raises(ValidationError) as refused:
        cycle_services.cycle_start(actor=org["leader"], team=org["team"], title="Better calls")

    assert refused.value.message_dict == {
        "problem": ["Say what problem the cycle is to solve."],
        "hypothesis": ["Say what you think will solve it."],
        "target": ["Say what result would show it worked."],
    }
    assert Cycle.objects.count() == 0


def test_a_cycle_may_change_only_standard_work_of_its_team_or_value_stream(org, tl_template):
    other_team = TeamFactory(name="South")
    theirs = template_services.template_create(
        actor=other_team.coordinator, name="South TL", layer=Layer.TL, team=other_team,
        items=[ItemSpec("Their routine")],
    )  # fmt: skip
    stream_wide = template_services.template_create(
        actor=org["vsm"], name="Pumps TL", layer=Layer.TL, value_stream=org["pumps"],
        items=[ItemSpec("Stream routine")],
    )  # fmt: skip
    plan = {"problem": "p", "hypothesis": "h", "target": "t"}

    for standard in (theirs, tl_template):  # another team's; everyone's in the layer
        with pytest.raises(ValidationError) as refused:
            cycle_services.cycle_start(
                actor=org["leader"], team=org["team"], title="X", standard=standard, **plan
            )
        assert refused.value.message_dict == {
            "standard": ["Choose standard work of this team or of a value stream it serves."]
        }
    assert Cycle.objects.count() == 0
    cycle = cycle_services.cycle_start(
        actor=org["leader"], team=org["team"], title="X", standard=stream_wide, **plan
    )
    assert cycle.standard == stream_wide


def test_do_creates_the_cycles_actions_for_people_in_the_team(org):
    cycle = new_cycle(org)

    cycle_services.cycle_do(
        actor=org["leader"], cycle_id=cycle.pk,
        actions=[ActionSpec("Log calls before the stand-up", org["member"], date(2026, 3, 6)),
                 ActionSpec("Timebox each round", org["leader"], date(2026, 3, 2))],
        now=MONDAY,
    )  # fmt: skip

    assert list(
        Action.objects.order_by("pk").values_list(
            "team", "title", "owner", "due_date", "source", "cycle", "created_by"
        )
    ) == [
        (org["team"].pk, "Log calls before the stand-up", org["member"].pk, date(2026, 3, 6),
         "cycle", cycle.pk, org["leader"].pk),
        (org["team"].pk, "Timebox each round", org["leader"].pk, date(2026, 3, 2),
         "cycle", cycle.pk, org["leader"].pk),
    ]  # fmt: skip
    assert cycle.events.get().note == "2 actions"


@pytest.mark.parametrize(
    ("spec", "errors"),
    [
        (lambda org: ActionSpec("Log calls", org["member"], date(2026, 3, 1)),
         {"due_date": ["The due date cannot be in the past."]}),
        (lambda org: ActionSpec("Log calls", UserFactory(username="stranger"), date(2026, 3, 6)),
         {"owner": ["The owner must be someone in North."]}),
        (lambda org: ActionSpec("  ", org["member"], date(2026, 3, 6)),
         {"title": ["Say what is to be done."]}),
    ],
    ids=["due-in-the-past", "owner-outside-the-team", "no-title"],
)  # fmt: skip
def test_do_refuses_a_bad_action_and_writes_nothing(org, spec, errors):
    cycle = new_cycle(org)
    before = snapshot(cycle)

    with pytest.raises(ValidationError) as refused:
        cycle_services.cycle_do(
            actor=org["leader"], cycle_id=cycle.pk, actions=[spec(org)], now=MONDAY
        )

    assert refused.value.message_dict == errors
    assert snapshot(cycle) == before


def test_do_needs_at_least_one_action(org):
    cycle = new_cycle(org)
    before = snapshot(cycle)

    with pytest.raises(ValidationError) as refused:
        cycle_services.cycle_do(actor=org["leader"], cycle_id=cycle.pk, actions=[], now=MONDAY)

    assert refused.value.message_dict == {"actions": ["Add at least one action to do."]}
    assert snapshot(cycle) == before


def test_the_due_date_is_judged_in_the_teams_own_time_zone(org):
    cycle = new_cycle(org)
    # 23:30 on Sunday 1 March in New York is already Monday 2 March in London.
    late_sunday_in_new_york = at("2026-03-01 23:30", "America/New_York")

    with pytest.raises(ValidationError):
        cycle_services.cycle_do(
            actor=org["leader"], cycle_id=cycle.pk, now=late_sunday_in_new_york,
            actions=[ActionSpec("Log calls", org["member"], date(2026, 3, 1))],
        )  # fmt: skip


def test_an_action_is_added_only_while_the_cycle_is_in_do(org):
    doing, checking = new_cycle(org, phase=Phase.DO), new_cycle(org, phase=Phase.CHECK)
    spec = ActionSpec("Call back the no-answers", org["member"], date(2026, 3, 4))

    action = cycle_services.cycle_action_add(
        actor=org["member"], cycle_id=doing.pk, action=spec, now=MONDAY
    )

    assert (action.cycle, action.source) == (doing, Action.Source.CYCLE)
    with pytest.raises(ValidationError) as refused:
        cycle_services.cycle_action_add(
            actor=org["member"], cycle_id=checking.pk, action=spec, now=MONDAY
        )
    assert refused.value.messages == ["Actions are added in Do; this cycle is in Check."]
    assert Action.objects.count() == 1


def test_check_needs_the_result(org):
    cycle = new_cycle(org, phase=Phase.DO)
    before = snapshot(cycle)

    with pytest.raises(ValidationError) as refused:
        cycle_services.cycle_check(actor=org["leader"], cycle_id=cycle.pk, check_result="   ")

    assert refused.value.message_dict == {
        "check_result": ["Say what the results show against the cycle's control points."]
    }
    assert snapshot(cycle) == before


def test_check_records_the_result(org):
    cycle = new_cycle(org, phase=Phase.DO)

    cycle_services.cycle_check(
        actor=org["member"], cycle_id=cycle.pk, check_result="  14 minutes on average  "
    )

    cycle.refresh_from_db()
    assert (cycle.phase, cycle.check_result) == (Phase.CHECK, "14 minutes on average")


# --- Act: adopt, abandon, follow-up -----------------------------------------------


NEW_ITEMS = [
    ItemSpec("Head the daily stand-up", expected_minutes=15, kind=TemplateItem.Kind.ATTEND),
    ItemSpec("Check yesterday's call outcomes are logged before the stand-up", expected_minutes=5),
    ItemSpec("Check call-list progress", expected_minutes=10),
]


def test_adopting_makes_a_new_version_of_the_standard_linked_to_the_cycle(org, team_standard):
    checklist = checklist_services.checklist_issue_today(user=org["leader"], now=MONDAY)
    issued_from = set(checklist.checks.values_list("item__version__number", flat=True))
    cycle = new_cycle(org, phase=Phase.ACT, standard=team_standard)

    version = cycle_services.cycle_adopt(actor=org["leader"], cycle_id=cycle.pk, items=NEW_ITEMS)

    cycle.refresh_from_db()
    assert (cycle.phase, cycle.outcome, cycle.closed_at is not None) == (
        Phase.CLOSED, Outcome.ADOPT, True,
    )  # fmt: skip
    assert (version.template, version.number, version.cycle, version.created_by, version.note) == (
        team_standard, 2, cycle, org["leader"], "Adopted from PDCA cycle: Shorter stand-ups",
    )  # fmt: skip
    assert list(version.items.values_list("title", flat=True)) == [s.title for s in NEW_ITEMS]
    assert list(cycle.adopted_versions.all()) == [version]
    # Checklists issued before keep the version they were issued from.
    assert issued_from == {1}
    assert set(
        Check.objects.filter(checklist=checklist).values_list("item__version__number", flat=True)
    ) == {1}
    assert list(team_standard.versions.get(number=1).items.values_list("title", flat=True)) == [
        "Head the daily stand-up", "Check call-list progress",
    ]  # fmt: skip
    event = cycle.events.get()
    assert (event.from_phase, event.to_phase, event.note) == (
        "act", "closed", "Adopt: the standard changes: Adopted from PDCA cycle: Shorter stand-ups",
    )  # fmt: skip


def test_the_next_checklist_is_issued_from_the_adopted_version(org, team_standard):
    cycle = new_cycle(org, phase=Phase.ACT, standard=team_standard)
    cycle_services.cycle_adopt(
        actor=org["coordinator"], cycle_id=cycle.pk, items=NEW_ITEMS, now=MONDAY
    )

    checklist = checklist_services.checklist_issue_today(user=org["leader"], now=MONDAY)

    assert list(checklist.checks.order_by("position").values_list("item__title", flat=True)) == [
        s.title for s in NEW_ITEMS
    ]


def test_adopting_the_unchanged_items_is_refused(org, team_standard):
    cycle = new_cycle(org, phase=Phase.ACT, standard=team_standard)
    before = snapshot(cycle)
    same = [
        ItemSpec("Head the daily stand-up", expected_minutes=15, kind=TemplateItem.Kind.ATTEND),
        ItemSpec("Check call-list progress", expected_minutes=10),
    ]

    with pytest.raises(ValidationError) as refused:
        cycle_services.cycle_adopt(actor=org["leader"], cycle_id=cycle.pk, items=same)

    assert refused.value.message_dict == {
        "items": [
            "These are the items of version 1: change the standard to adopt, "
            "or end the cycle another way."
        ]
    }
    assert snapshot(cycle) == before


def test_a_cycle_without_a_standard_is_adopted_without_a_version(org):
    cycle = new_cycle(org, phase=Phase.ACT)

    assert cycle_services.cycle_adopt(actor=org["vsm"], cycle_id=cycle.pk, note="Keep it") is None

    cycle.refresh_from_db()
    assert (cycle.phase, cycle.outcome, cycle.outcome_note) == (Phase.CLOSED, "adopt", "Keep it")
    assert TemplateVersion.objects.count() == 0


def test_adopting_before_act_is_refused_and_writes_nothing(org, team_standard):
    cycle = new_cycle(org, phase=Phase.CHECK, standard=team_standard)
    before = snapshot(cycle)

    with pytest.raises(ValidationError) as refused:
        cycle_services.cycle_adopt(actor=org["leader"], cycle_id=cycle.pk, items=NEW_ITEMS)

    assert refused.value.messages == ["A cycle in Check moves to Act, not to Closed."]
    assert snapshot(cycle) == before


def test_a_member_cannot_adopt_and_nothing_is_written(org, team_standard):
    cycle = new_cycle(org, phase=Phase.ACT, standard=team_standard)
    before = snapshot(cycle)

    with pytest.raises(PermissionDenied):
        cycle_services.cycle_adopt(actor=org["member"], cycle_id=cycle.pk, items=NEW_ITEMS)

    assert snapshot(cycle) == before


def test_abandoning_needs_a_reason(org):
    cycle = new_cycle(org, phase=Phase.ACT)
    before = snapshot(cycle)

    with pytest.raises(ValidationError) as refused:
        cycle_services.cycle_close(actor=org["member"], cycle_id=cycle.pk, outcome=Outcome.ABANDON)

    assert refused.value.message_dict == {"note": ["Say why the cycle is abandoned."]}
    assert snapshot(cycle) == before
    cycle_services.cycle_close(
        actor=org["member"], cycle_id=cycle.pk, outcome=Outcome.ABANDON, note="The tool was retired"
    )
    cycle.refresh_from_db()
    assert (cycle.phase, cycle.outcome, cycle.outcome_note) == (
        Phase.CLOSED, "abandon", "The tool was retired",
    )  # fmt: skip


def test_follow_up_closes_the_cycle_and_starts_a_linked_one_in_plan(org, team_standard):
    cycle = new_cycle(org, phase=Phase.ACT, standard=team_standard, stage="value")

    follow_up = cycle_services.cycle_follow_up(
        actor=org["member"], cycle_id=cycle.pk, title="Shorter stand-ups, round two",
        problem="Still 18 minutes", hypothesis="Board prepared the day before", target="15 min",
    )  # fmt: skip

    cycle.refresh_from_db()
    assert (cycle.phase, cycle.outcome, cycle.follow_up) == (Phase.CLOSED, "follow_up", follow_up)
    assert follow_up.follows == cycle
    assert (
        follow_up.phase, follow_up.kind, follow_up.team, follow_up.stage, follow_up.standard,
        follow_up.created_by,
    ) == (Phase.PLAN, "pdca", org["team"], "value", team_standard, org["member"])  # fmt: skip
    assert list(follow_up.events.values_list("from_phase", "to_phase", "note")) == [
        ("plan", "plan", "Started as a follow-up of Shorter stand-ups")
    ]
    assert list(cycle.events.values_list("to_phase", "note")) == [
        ("closed", "Start a follow-up cycle: Follow-up: Shorter stand-ups, round two")
    ]


def test_a_follow_up_with_a_bad_plan_writes_nothing(org):
    cycle = new_cycle(org, phase=Phase.ACT)
    before = snapshot(cycle)

    with pytest.raises(ValidationError) as refused:
        cycle_services.cycle_follow_up(actor=org["member"], cycle_id=cycle.pk, title="Round two")

    assert set(refused.value.message_dict) == {"problem", "hypothesis", "target"}
    assert snapshot(cycle) == before


# --- SDCA ---------------------------------------------------------------------------


def test_an_sdca_cycle_checks_an_existing_standard(org, team_standard):
    with pytest.raises(ValidationError) as refused:
        cycle_services.cycle_start(
            actor=org["leader"], team=org["team"], kind=Cycle.Kind.SDCA, title="Audit"
        )
    assert refused.value.message_dict == {
        "standard": ["An SDCA cycle checks an existing standard: choose it."]
    }

    cycle = cycle_services.cycle_start(
        actor=org["leader"], team=org["team"], kind=Cycle.Kind.SDCA,
        title="Is the stand-up routine kept?", standard=team_standard,
    )  # fmt: skip
    assert (cycle.kind, cycle.phase) == (Cycle.Kind.SDCA, Phase.PLAN)


def test_an_sdca_cycle_closes_with_the_standard_holding(org, team_standard):
    cycle = new_cycle(org, phase=Phase.ACT, kind=Cycle.Kind.SDCA, standard=team_standard)

    cycle_services.cycle_close(
        actor=org["member"],
        cycle_id=cycle.pk,
        outcome=Outcome.STANDARD_HOLDS,
        note="Kept 19 of 20 days",
    )

    cycle.refresh_from_db()
    assert (cycle.phase, cycle.outcome, cycle.outcome_note, cycle.corrective_action) == (
        Phase.CLOSED, "holds", "Kept 19 of 20 days", "",
    )  # fmt: skip
    assert TemplateVersion.objects.filter(cycle=cycle).count() == 0


def test_corrected_needs_the_corrective_action(org, team_standard):
    cycle = new_cycle(org, phase=Phase.ACT, kind=Cycle.Kind.SDCA, standard=team_standard)
    before = snapshot(cycle)

    with pytest.raises(ValidationError) as refused:
        cycle_services.cycle_close(
            actor=org["leader"], cycle_id=cycle.pk, outcome=Outcome.CORRECTED
        )

    assert refused.value.message_dict == {
        "corrective_action": ["Describe the corrective action taken."]
    }
    assert snapshot(cycle) == before

    cycle_services.cycle_close(
        actor=org["leader"], cycle_id=cycle.pk, outcome=Outcome.CORRECTED,
        corrective_action="Stand-up moved to 09:15 after the call export",
    )  # fmt: skip
    cycle.refresh_from_db()
    assert (cycle.outcome, cycle.corrective_action) == (
        "corrected", "Stand-up moved to 09:15 after the call export",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "call", "message"),
    [
        (Cycle.Kind.SDCA, "adopt",
         'An SDCA cycle ends with "The standard holds" or "Corrective action taken".'),
        (Cycle.Kind.SDCA, "abandon",
         'An SDCA cycle ends with "The standard holds" or "Corrective action taken".'),
        (Cycle.Kind.PDCA, "holds",
         'A PDCA cycle ends with "Adopt: the standard changes", "Abandon" or '
         '"Start a follow-up cycle".'),
    ],
)  # fmt: skip
def test_each_kind_ends_only_with_its_own_outcomes(org, team_standard, kind, call, message):
    cycle = new_cycle(org, phase=Phase.ACT, kind=kind, standard=team_standard)
    before = snapshot(cycle)

    with pytest.raises(ValidationError) as refused:
        if call == "adopt":
            cycle_services.cycle_adopt(actor=org["leader"], cycle_id=cycle.pk, items=NEW_ITEMS)
        else:
            cycle_services.cycle_close(
                actor=org["leader"],
                cycle_id=cycle.pk,
                outcome=call,
                note="n",
                corrective_action="c",
            )

    assert refused.value.messages == [message]
    assert snapshot(cycle) == before


# --- who may ------------------------------------------------------------------------


@pytest.fixture
def outsider(org):
    """A member of another team in the same value stream."""
    other = TeamFactory(name="South", value_streams=[org["pumps"]])
    return MembershipFactory(team=other, user=UserFactory(username="outsider")).user


@pytest.mark.parametrize("role", ["leader", "coordinator", "member"])
def test_the_team_moves_its_cycles(org, role):
    cycle = new_cycle(org)

    move(org, cycle, Phase.DO, actor=org[role])

    cycle.refresh_from_db()
    assert cycle.phase == Phase.DO


@pytest.mark.parametrize("who", ["vsm", "outsider"])
def test_the_vsm_and_other_teams_do_not_move_a_cycle(org, outsider, who):
    actor = outsider if who == "outsider" else org["vsm"]
    cycle = new_cycle(org, phase=Phase.DO)
    before = snapshot(cycle)

    with pytest.raises(PermissionDenied) as refused:
        move(org, cycle, Phase.CHECK, actor=actor)

    assert str(refused.value) == (
        "Only the team's members, Team Leader and Team Coordinator move its cycles."
    )
    assert snapshot(cycle) == before


def test_outsiders_cannot_start_a_cycle(org, outsider):
    with pytest.raises(PermissionDenied):
        cycle_services.cycle_start(
            actor=outsider, team=org["team"], title="X", problem="p", hypothesis="h", target="t"
        )

    assert Cycle.objects.count() == 0


@pytest.mark.parametrize("role", ["leader", "coordinator", "vsm"])
def test_the_leader_coordinator_and_vsm_adopt(org, team_standard, role):
    cycle = new_cycle(org, phase=Phase.ACT, standard=team_standard)

    version = cycle_services.cycle_adopt(actor=org[role], cycle_id=cycle.pk, items=NEW_ITEMS)

    assert version.cycle == cycle


def test_the_vsm_of_another_value_stream_cannot_adopt(org, team_standard):
    other_vsm = ValueStreamFactory(name="Valves").vsm
    cycle = new_cycle(org, phase=Phase.ACT, standard=team_standard)
    before = snapshot(cycle)

    with pytest.raises(PermissionDenied):
        cycle_services.cycle_adopt(actor=other_vsm, cycle_id=cycle.pk, items=NEW_ITEMS)

    assert snapshot(cycle) == before
    assert StandardWorkTemplate.objects.get(pk=team_standard.pk).versions.count() == 1


def test_adopting_dates_the_new_version_and_the_control_points_baseline_alike(org, team_standard):
    cycle = new_cycle(org, phase=Phase.ACT, standard=team_standard)
    point = ControlPoint.objects.create(team=org["team"], cycle=cycle, name="Calls", unit="calls")

    version = cycle_services.cycle_adopt(
        actor=org["leader"], cycle_id=cycle.pk, items=NEW_ITEMS, now=MONDAY
    )

    assert version.effective_from == date(2026, 3, 2)
    assert list(point.baselines.values_list("starts_on", "cycle", "reason")) == [
        (date(2026, 3, 2), cycle.pk, "New standard adopted from cycle: Shorter stand-ups")
    ]
