"""Role rules from the domain, checked by services, forms and the admin alike.

The Team Coordinator of a team is never the Value Stream Manager of a value
stream that team serves (DOMAIN.md, "The people"): the TC runs interference
for the team and balances priorities *with* the VSM, so one person cannot be
both.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError

from roles.models import Team, User, ValueStream


def coordinator_conflicts(
    *, coordinator: User | None, value_streams: Iterable[ValueStream], team_name: str
) -> list[str]:
    """Messages for each value stream whose VSM would also coordinate the team."""
    if coordinator is None:
        return []
    return [
        f"{coordinator.display_name} is the Value Stream Manager of {value_stream.name}, "
        f"which {team_name or 'this team'} serves, so cannot also be its Team Coordinator."
        for value_stream in value_streams
        if value_stream.vsm_id == coordinator.pk
    ]


def vsm_conflicts(*, vsm: User | None, value_stream: ValueStream | None) -> list[str]:
    """Messages for each team of this value stream that `vsm` already coordinates."""
    if vsm is None or value_stream is None or value_stream.pk is None:
        return []
    teams = Team.objects.filter(value_streams=value_stream, coordinator=vsm).order_by("name")
    return [
        f"{vsm.display_name} is the Team Coordinator of {team.name}, which serves "
        f"{value_stream.name}, so cannot also be its Value Stream Manager."
        for team in teams
    ]


def check_team_roles(
    *, coordinator: User | None, value_streams: Iterable[ValueStream], team_name: str
) -> None:
    messages = coordinator_conflicts(
        coordinator=coordinator, value_streams=value_streams, team_name=team_name
    )
    if messages:
        raise ValidationError({"coordinator": messages})


def check_value_stream_roles(*, vsm: User | None, value_stream: ValueStream | None) -> None:
    messages = vsm_conflicts(vsm=vsm, value_stream=value_stream)
    if messages:
        raise ValidationError({"vsm": messages})
