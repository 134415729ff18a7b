"""Reads for the standard-work template pages."""

from django.db.models import Prefetch, Q, QuerySet

from roles import policy as organisation
from roles.models import Team, User, ValueStream
from standardwork import policy
from standardwork.models import StandardWorkTemplate, TemplateItem, TemplateVersion


def template_scopes(user: User) -> list[tuple[str, str]]:
    """The scopes `user` may create a template for, as form choices."""
    scopes = [("all", "Everyone in the layer")] if user.is_superuser else []
    value_streams = (
        ValueStream.objects.all() if user.is_superuser else organisation.managed_value_streams(user)
    )
    scopes += [(f"vs:{vs.pk}", f"Value stream: {vs.name}") for vs in value_streams.order_by("name")]
    scopes += [
        (f"team:{team.pk}", f"Team: {team.name}")
        for team in policy.editable_teams(user).order_by("name")
    ]
    return scopes


def _visible_templates(user: User) -> QuerySet[StandardWorkTemplate]:
    """Templates `user` works to or may edit: global ones and those of their teams and streams."""
    templates = StandardWorkTemplate.objects.select_related("team", "value_stream")
    if user.is_superuser:
        return templates
    return templates.filter(
        Q(team__isnull=True, value_stream__isnull=True)
        | Q(team__in=organisation.visible_teams(user).values("pk"))
        | Q(value_stream__in=organisation.visible_value_streams(user).values("pk"))
    )


def template_list(*, user: User) -> QuerySet[StandardWorkTemplate]:
    return (
        _visible_templates(user)
        .prefetch_related(
            Prefetch("versions", queryset=TemplateVersion.objects.order_by("-number"))
        )
        .order_by("layer", "name")
    )


def template_detail(*, user: User, template_id: int) -> StandardWorkTemplate | None:
    """The template with every version and its items, newest first."""
    return (
        _visible_templates(user)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=TemplateVersion.objects.select_related("created_by")
                .prefetch_related(
                    Prefetch("items", queryset=TemplateItem.objects.order_by("position"))
                )
                .order_by("-number"),
            )
        )
        .filter(pk=template_id)
        .first()
    )


def scope_owner(scope: str) -> dict:
    """A scope choice ("team:3", "vs:1", "all") as template_create's keyword arguments.

    The form has already refused a scope the user may not choose.
    """
    kind, _, pk = scope.partition(":")
    if kind == "team":
        return {"team": Team.objects.get(pk=int(pk))}
    if kind == "vs":
        return {"value_stream": ValueStream.objects.get(pk=int(pk))}
    return {}


def template_items_initial(template: StandardWorkTemplate) -> list[dict]:
    """The latest version's items as the editor's initial rows (from template_detail's
    prefetch, newest version first: no query)."""
    version = template.versions.all()[0]
    return [
        {
            "title": item.title,
            "cadence": item.cadence,
            "weekday": item.weekday,
            "day_of_month": item.day_of_month,
            "expected_minutes": item.expected_minutes,
            "kind": item.kind,
        }
        for item in version.items.all()
    ]


def next_version_number(template: StandardWorkTemplate) -> int:
    return template.versions.all()[0].number + 1
