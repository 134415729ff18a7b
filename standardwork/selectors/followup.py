"""Reads for follow-up: who may own a team's action, a person's open actions."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Window
from django.utils import timezone

from roles.models import Team, User
from roles.selectors import team_people
from standardwork.models import Action
from standardwork.selectors.standups import _with_owner_zone, mark_overdue_for_owner


def action_owners(team: Team) -> list[User]:
    """The people who may own an action of `team` (policy.can_own_action), as choices:
    its TL, its members, then its TC. Reads the team's prefetched memberships."""
    people = team_people(team)
    coordinator = team.coordinator
    if coordinator is not None and coordinator.pk not in {person.pk for person in people}:
        people.append(coordinator)
    return people


# How many open actions My standard work lists before "Show all".
OPEN_ACTIONS_SHOWN = 10


@dataclass
class OpenActions:
    """A person's open actions, soonest due first: the first few, or all of them."""

    actions: list[Action]
    total: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.actions)


def open_actions_page(
    *, user: User, show_all: bool = False, now: datetime | None = None
) -> OpenActions:
    """`user`'s open actions, overdue ones marked: the first OPEN_ACTIONS_SHOWN unless
    `show_all`, with the total counted in the same query (a window count)."""
    rows = (
        _with_owner_zone(Action.objects.filter(owner=user, done_at__isnull=True))
        .select_related("team")
        .annotate(open_total=Window(Count("pk")))
        .order_by("due_date", "pk")
    )
    actions = list(rows if show_all else rows[:OPEN_ACTIONS_SHOWN])
    for action in actions:
        action.can_complete = True  # the owner's own
    mark_overdue_for_owner(actions, now=now or timezone.now())
    return OpenActions(actions=actions, total=actions[0].open_total if actions else 0)
