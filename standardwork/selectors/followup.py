"""Reads for follow-up: who may own a team's action, a person's open actions."""

from roles.models import Team, User
from roles.selectors import team_people


def action_owners(team: Team) -> list[User]:
    """The people who may own an action of `team` (policy.can_own_action), as choices:
    its TL, its members, then its TC. Reads the team's prefetched memberships."""
    people = team_people(team)
    coordinator = team.coordinator
    if coordinator is not None and coordinator.pk not in {person.pk for person in people}:
        people.append(coordinator)
    return people
