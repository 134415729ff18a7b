"""Reads for layered verification: the verification board, one row per person
of the layer below, red and green (kamishibai), and one person's row.

Each read answers in a fixed number of queries, however much history the
people have.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from roles import policy as organisation
from roles.layers import layer_of, layer_rank
from roles.models import Layer, Membership, User, ValueStream
from standardwork import policy
from standardwork.models import Check, CheckEvent, Checklist
from standardwork.selectors.checklists import Progress


@dataclass
class BoardRow:
    """One person of the layer below, and their checklist of the board's day."""

    person: User
    layer: Layer | None
    teams: list[str]
    checklist: Checklist | None
    checks: list[Check]

    @property
    def progress(self) -> Progress:
        return Progress.of(self.checks)

    @property
    def red(self) -> int:
        return sum(check.is_red for check in self.checks)


def board_colour(check: Check) -> str:
    """Kamishibai: red until a countermeasure is recorded, green when done, else grey."""
    if check.is_red:
        return "red"
    return "green" if check.is_green else "grey"


def _board_people(people: QuerySet[User], day: date) -> list[BoardRow]:
    """Rows for `people` on `day`, in six queries whatever their history."""
    checks = Check.objects.select_related("item", "miss_reason", "verified_by").prefetch_related(
        Prefetch("events", queryset=CheckEvent.objects.select_related("actor").order_by("at", "pk"))
    )
    people = people.prefetch_related(
        Prefetch(
            "checklists",
            queryset=Checklist.objects.filter(date=day)
            .select_related("verified_by")
            .prefetch_related(Prefetch("checks", queryset=checks.order_by("position", "pk"))),
            to_attr="board_checklists",
        ),
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("team").order_by("team__name"),
            to_attr="board_memberships",
        ),
        "coordinated_teams",
    ).annotate(board_manages_a_value_stream=Exists(ValueStream.objects.filter(vsm=OuterRef("pk"))))
    rows = []
    for person in people:
        coordinated = sorted(team.name for team in person.coordinated_teams.all())
        memberships = person.board_memberships
        layer = layer_of(
            memberships=[(m.role, m.team.kind) for m in memberships],
            coordinates_a_team=bool(coordinated),
            manages_a_value_stream=person.board_manages_a_value_stream,
        )
        checklist = person.board_checklists[0] if person.board_checklists else None
        checks = list(checklist.checks.all()) if checklist is not None else []
        if not checks:
            checklist = None  # an empty checklist only records that nothing was due
        for check in checks:
            check.colour = board_colour(check)
        rows.append(
            BoardRow(
                person=person,
                layer=layer,
                teams=coordinated or [m.team.name for m in memberships],
                checklist=checklist,
                checks=checks,
            )
        )
    # Coordinators (and anyone above) first; then each team's leader and its members together.
    rows.sort(
        key=lambda row: (
            layer_rank(row.layer) > layer_rank(Layer.TC),
            row.teams[:1],
            layer_rank(row.layer),
            row.person.display_name.lower(),
        )
    )
    return rows


def verification_board(*, verifier: User, day: date) -> list[BoardRow]:
    """The layer below `verifier` (roles.policy.verifiable_people) on `day`."""
    return _board_people(policy.verifiable_people(verifier), day)


def board_row(*, viewer: User, person_id: int, day: date) -> BoardRow | None:
    """One person's row, if `viewer` may see their standard work (their own or a layer below)."""
    people = organisation.overseen_people(viewer).filter(pk=person_id)
    rows = _board_people(people, day)
    return rows[0] if rows else None


def checklist_with_owner(*, checklist_id: int) -> Checklist | None:
    """A checklist and its owner; whether the viewer may see it is the view's to ask."""
    return Checklist.objects.select_related("owner").filter(pk=checklist_id).first()
