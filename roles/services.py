"""All writes to the organisation. Each service checks the access policy and
the role rules before it writes, and writes nothing when it refuses."""

from collections.abc import Iterable
from datetime import time

from django.db import transaction

from roles import policy, rules
from roles.models import Membership, Team, User, ValueStream


@transaction.atomic
def value_stream_create(
    *,
    actor: User,
    name: str,
    market: str,
    vsm: User,
    time_zone: str = "UTC",
    weekly_review_weekday: int = 5,
    weekly_review_time: time = time(14, 0),
) -> ValueStream:
    policy.require(
        policy.can_create_value_stream(actor), "Only an administrator adds value streams."
    )
    value_stream = ValueStream(
        name=name,
        market=market,
        vsm=vsm,
        time_zone=time_zone,
        weekly_review_weekday=weekly_review_weekday,
        weekly_review_time=weekly_review_time,
    )
    value_stream.full_clean()
    value_stream.save()
    return value_stream


@transaction.atomic
def value_stream_update(*, actor: User, value_stream: ValueStream, **fields) -> ValueStream:
    policy.require(policy.can_manage_value_stream(actor, value_stream))
    if "vsm" in fields and fields["vsm"] != value_stream.vsm and not actor.is_superuser:
        policy.require(False, "Only an administrator hands a value stream to another VSM.")
    value_stream = ValueStream.objects.select_for_update().get(pk=value_stream.pk)
    for field, value in fields.items():
        setattr(value_stream, field, value)
    value_stream.full_clean()
    rules.check_value_stream_roles(vsm=value_stream.vsm, value_stream=value_stream)
    value_stream.save(update_fields=list(fields))
    return value_stream


@transaction.atomic
def team_create(
    *,
    actor: User,
    name: str,
    value_streams: Iterable[ValueStream] = (),
    coordinator: User | None = None,
    kind: str = Team.Kind.SALES_MARKETING,
    stages: list[str] | None = None,
    time_zone: str = "UTC",
    standup_time: time = time(9, 0),
    working_days: list[int] | None = None,
) -> Team:
    value_streams = list(value_streams)
    policy.require(policy.can_create_team(actor), "Only a VSM or an administrator adds teams.")
    if not actor.is_superuser:
        policy.require(
            all(policy.can_add_team_to_value_stream(actor, vs) for vs in value_streams)
            and bool(value_streams),
            "A VSM adds teams only to their own value streams.",
        )
    team = Team(
        name=name,
        kind=kind,
        coordinator=coordinator,
        stages=stages or [],
        time_zone=time_zone,
        standup_time=standup_time,
        working_days=working_days if working_days is not None else [1, 2, 3, 4, 5],
    )
    team.full_clean()
    rules.check_team_roles(coordinator=coordinator, value_streams=value_streams, team_name=name)
    team.save()
    team.value_streams.set(value_streams)
    return team


@transaction.atomic
def team_update(
    *, actor: User, team: Team, value_streams: Iterable[ValueStream] | None = None, **fields
) -> Team:
    policy.require(policy.can_manage_team(actor, team))
    team = Team.objects.select_for_update().get(pk=team.pk)
    new_value_streams = list(value_streams) if value_streams is not None else None
    if new_value_streams is not None and not actor.is_superuser:
        current = set(team.value_streams.all())
        for value_stream in set(new_value_streams) - current:
            policy.require(
                policy.can_add_team_to_value_stream(actor, value_stream),
                f"Only the VSM of {value_stream.name} adds teams to it.",
            )
        policy.require(
            set(new_value_streams) >= {vs for vs in current if vs.vsm_id != actor.pk},
            "A VSM cannot move a team out of another VSM's value stream.",
        )
    for field, value in fields.items():
        setattr(team, field, value)
    team.full_clean()
    rules.check_team_roles(
        coordinator=team.coordinator,
        value_streams=new_value_streams
        if new_value_streams is not None
        else team.value_streams.select_related("vsm"),
        team_name=team.name,
    )
    if fields:
        team.save(update_fields=list(fields))
    if new_value_streams is not None:
        team.value_streams.set(new_value_streams)
    return team


@transaction.atomic
def membership_create(
    *,
    actor: User,
    team: Team,
    user: User,
    role: str = Membership.Role.MEMBER,
    function: str = Membership.Function.SALES,
) -> Membership:
    policy.require(policy.can_manage_team(actor, team) or actor.pk == team.coordinator_id)
    membership = Membership(team=team, user=user, role=role, function=function)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_update(*, actor: User, membership: Membership, **fields) -> Membership:
    team = membership.team
    policy.require(policy.can_manage_team(actor, team) or actor.pk == team.coordinator_id)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    for field, value in fields.items():
        setattr(membership, field, value)
    membership.full_clean()
    membership.save(update_fields=list(fields))
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    team = membership.team
    policy.require(policy.can_manage_team(actor, team) or actor.pk == team.coordinator_id)
    membership.delete()
