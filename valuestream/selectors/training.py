"""Reads for the training log."""

from django.db.models import Q, QuerySet

from roles.models import Team, User
from valuestream import policy
from valuestream.models import Recording, ScriptVersion, TrainingSession


def training_sessions(user: User) -> QuerySet[TrainingSession]:
    return (
        policy.visible_training(user)
        .select_related("team", "logged_by")
        .prefetch_related("scripts__script", "trainers", "attendees", "recordings")
        .order_by("-held_on", "-pk")[:30]
    )


def coordinated_teams(user: User) -> QuerySet[Team]:
    if user.is_superuser:
        return Team.objects.filter(kind=Team.Kind.SALES_MARKETING)
    return Team.objects.filter(coordinator=user, kind=Team.Kind.SALES_MARKETING)


def script_versions_of(teams) -> QuerySet[ScriptVersion]:
    return ScriptVersion.objects.filter(script__team__in=teams).select_related("script")


def recording_for(user: User, recording_id: int) -> Recording | None:
    return policy.visible_recordings(user).filter(pk=recording_id).first()


def training_people(user: User, teams) -> QuerySet[User]:
    """Who may train or attend: the people of `teams`, and the coordinator."""
    ids = User.objects.filter(Q(memberships__team__in=teams) | Q(pk=user.pk)).values("pk")
    return User.objects.filter(pk__in=ids).order_by("first_name", "last_name")
