"""Who may do what in standard work: checklists and their verification,
templates, stand-ups, impediments, actions, cycles and control points.

Built on the organisation's predicates in `roles.policy`. One function per
rule: the service enforces it, and the view and the template ask the same
function to decide what to offer. The team-level rules answer from the
team's `memberships` and `value_streams`, so a page that prefetches them
answers every row without a query.
"""

from django.db.models import Q, QuerySet

from roles import policy as organisation
from roles.models import Membership, Team, User, ValueStream
from standardwork.models import Action, Impediment, StandardWorkTemplate

# --- leader standard work -------------------------------------------------------


def verifiable_people(user: User) -> QuerySet[User]:
    """The layer below, whose standard work `user` verifies (DOMAIN.md, layered).

    A TC verifies the TLs and members of their teams; a VSM the TCs and TLs of
    the teams in their value stream.
    """
    if not user.is_authenticated:
        return User.objects.none()
    return User.objects.filter(pk__in=verifiable_people_ids(user.pk))


def verifiable_people_ids(user_id: int) -> QuerySet[User]:
    """The ids (a subquery) of the people `verifiable_people` gives, for queries
    compiled once (leanops.base.baked)."""
    leader = Membership.Role.LEADER
    return (
        User.objects.filter(
            Q(memberships__team__coordinator_id=user_id)
            | Q(memberships__role=leader, memberships__team__value_streams__vsm_id=user_id)
            | Q(coordinated_teams__value_streams__vsm_id=user_id)
        )
        .exclude(pk=user_id)
        .values("pk")
    )


def can_verify(verifier: User, person: User) -> bool:
    return verifiable_people(verifier).filter(pk=person.pk).exists()


def can_view_team_work(user: User, team: Team) -> bool:
    """Team-level standard-work results: its TL, its TC and the VSM above it."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or organisation.coordinates_team(user, team)
        or organisation.leads_team(user, team)
        or organisation.is_vsm_above(user, team)
    )


def editable_teams(user: User) -> QuerySet[Team]:
    """Teams whose standard work `user` may change: their VSM's and their TC's."""
    if user.is_superuser:
        return Team.objects.all()
    return Team.objects.filter(
        Q(pk__in=organisation.managed_teams(user).values("pk")) | Q(coordinator=user)
    ).distinct()


def template_editor_refusal(
    user: User, *, team: Team | None = None, value_stream: ValueStream | None = None
) -> str:
    """Why `user` may not change standard work of this scope, or "" when they may.

    A team's standard work is changed by its TC or its VSM; a value stream's by
    its VSM; a whole layer's only by an administrator.
    """
    if user.is_superuser:
        return ""
    if team is not None:
        if editable_teams(user).filter(pk=team.pk).exists():
            return ""
        return "Only the team's coordinator or VSM changes its standard work."
    if value_stream is not None:
        if organisation.managed_value_streams(user).filter(pk=value_stream.pk).exists():
            return ""
        return "Only the value stream's VSM changes its standard work."
    return "Only an administrator changes standard work for a whole layer."


def can_edit_template(user: User, template: StandardWorkTemplate) -> bool:
    return not template_editor_refusal(user, team=template.team, value_stream=template.value_stream)


# --- the daily accountability rhythm (stand-ups, impediments, actions) ---------


def can_log_standup(user: User, team: Team) -> bool:
    """The team's TC logs its stand-up; its TL heads it and may log too."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or organisation.coordinates_team(user, team)
        or organisation.leads_team(user, team)
    )


def can_raise_impediment(user: User, team: Team) -> bool:
    """Anyone in the team: its members, its TL and its TC."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or organisation.in_team(user, team)


def _owns_impediments(user: User, team: Team) -> bool:
    """The team's TC owns its impediments; a team without one (the Marketing
    Communication department) has its lead own them."""
    if team.coordinator_id is None:
        return organisation.leads_team(user, team)
    return organisation.coordinates_team(user, team)


def can_change_impediment(user: User, impediment: Impediment) -> bool:
    """The owner of the team's impediments moves them on; so may the VSM above."""
    if not user.is_authenticated:
        return False
    team = impediment.team
    return (
        user.is_superuser or _owns_impediments(user, team) or organisation.is_vsm_above(user, team)
    )


def can_escalate_impediment(user: User, impediment: Impediment) -> bool:
    """Only the owner of the team's impediments (its TC) escalates them."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or _owns_impediments(user, impediment.team)


def can_answer_escalation(user: User, impediment: Impediment) -> bool:
    """The VSM it was escalated to, while they manage a value stream the team serves."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return impediment.escalated_to_id == user.pk and organisation.is_vsm_above(
        user, impediment.team
    )


def can_assign_action(user: User, team: Team) -> bool:
    """Actions for a team are given by its TC, its TL or the VSM above it."""
    return can_log_standup(user, team) or (
        user.is_authenticated and organisation.is_vsm_above(user, team)
    )


def can_own_action(person: User, team: Team) -> bool:
    """An action of a team is owned by someone in it: a member, its TL or its TC."""
    return organisation.in_team(person, team)


def can_complete_action(user: User, action: Action) -> bool:
    """The owner ticks their action off; the team's TC or TL may do it for them."""
    if not user.is_authenticated:
        return False
    return user.pk == action.owner_id or can_log_standup(user, action.team)


# --- improvement: PDCA/SDCA cycles and control points -------------------------


def can_move_cycle(user: User, team: Team) -> bool:
    """Start a cycle and move it through its phases: the team's members, TL and TC."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or organisation.in_team(user, team)


def can_adopt_cycle(user: User, team: Team) -> bool:
    """Adopt a cycle's result as the new standard: the team's TL or TC, or its VSM."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or organisation.coordinates_team(user, team)
        or organisation.leads_team(user, team)
        or organisation.is_vsm_above(user, team)
    )


def can_manage_control_points(user: User, team: Team) -> bool:
    """Add a control point to a team or its cycle: its TL or TC, or its VSM."""
    return can_adopt_cycle(user, team)


def can_record_measurement(user: User, team: Team) -> bool:
    """Enter a control point's value: anyone in the team, its TC and its VSM."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or organisation.in_team(user, team) or can_adopt_cycle(user, team)


def can_correct_measurement(user: User, team: Team) -> bool:
    """Correct, void or replace a control point's value: the team's TC or TL,
    who log its stand-up."""
    return can_log_standup(user, team)


def can_record_process_change(user: User, team: Team) -> bool:
    """Start a new baseline of a control point where the process changed: its TC or TL."""
    return can_correct_measurement(user, team)


# --- issued standard work ---------------------------------------------------------

OWN_CHECKS_ONLY = "You can only change your own standard work."


def can_change_check(user: User, check) -> bool:
    """Tick, undo, miss or answer an item: only its owner (the checklist's)."""
    return user.is_authenticated and check.checklist.owner_id == user.pk
