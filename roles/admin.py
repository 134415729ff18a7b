"""Admin for the organisation.

The Team and ValueStream admins use the app's own forms, so the rule "the TC
of a team is never the VSM of that team's value stream" is refused here too,
with the message at the field that breaks it.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.forms.models import BaseInlineFormSet

from roles.forms import TeamForm, ValueStreamForm
from roles.layers import in_layer
from roles.models import Layer, Membership, Team, User, ValueStream


def _layer_annotation(layer: Layer) -> str:
    return f"is_{layer.value}"


class LayerListFilter(admin.SimpleListFilter):
    title = "layer"
    parameter_name = "layer"

    def lookups(self, request, model_admin):
        return Layer.choices

    def queryset(self, request, queryset):
        if self.value() not in Layer.values:
            return queryset
        return queryset.filter(in_layer(Layer(self.value())))


class OneLeaderInlineFormSet(BaseInlineFormSet):
    """Two leaders added in one save would pass each form's own check and then
    break the one-leader constraint in the database; refuse them here instead."""

    def clean(self):
        super().clean()
        leaders = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") == Membership.Role.LEADER
        ]
        if len(leaders) > 1:
            raise ValidationError("A team has one Team Leader; make the others members.")


class MembershipByUserInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    formset = BaseInlineFormSet
    fields = ["team", "role", "function"]
    autocomplete_fields = ["team"]
    extra = 0
    verbose_name = "team membership"
    verbose_name_plural = "team memberships"


class MembershipByTeamInline(admin.TabularInline):
    model = Membership
    fk_name = "team"
    formset = OneLeaderInlineFormSet
    fields = ["user", "role", "function"]
    autocomplete_fields = ["user"]
    extra = 0
    verbose_name = "member"
    verbose_name_plural = "Team Leader and members"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "layers",
        "is_staff",
        "is_active",
    ]
    list_filter = [LayerListFilter, "is_staff", "is_superuser", "is_active", "memberships__team"]
    search_fields = ["username", "first_name", "last_name", "email"]
    readonly_fields = ["layers", "managed_value_streams_list", "coordinated_teams_list"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (
            "Organisation",
            {
                "description": (
                    "Layers come from the organisation: a value stream's VSM, a team's "
                    "coordinator and the memberships below. Change them there."
                ),
                "fields": ["layers", "managed_value_streams_list", "coordinated_teams_list"],
            },
        ),
    ]
    inlines = [MembershipByUserInline]

    def get_queryset(self, request) -> QuerySet[User]:
        return (
            super()
            .get_queryset(request)
            .annotate(**{_layer_annotation(layer): in_layer(layer) for layer in Layer})
        )

    @admin.display(description="layers")
    def layers(self, obj: User) -> str:
        labels = [layer.label for layer in Layer if getattr(obj, _layer_annotation(layer), False)]
        return ", ".join(labels) or "-"

    @admin.display(description="value stream manager of")
    def managed_value_streams_list(self, obj: User) -> str:
        return ", ".join(vs.name for vs in obj.managed_value_streams.all()) or "-"

    @admin.display(description="team coordinator of")
    def coordinated_teams_list(self, obj: User) -> str:
        return ", ".join(team.name for team in obj.coordinated_teams.all()) or "-"


@admin.register(ValueStream)
class ValueStreamAdmin(admin.ModelAdmin):
    form = ValueStreamForm
    list_display = [
        "name",
        "market",
        "vsm",
        "time_zone",
        "weekly_review_weekday",
        "weekly_review_time",
        "team_count",
    ]
    list_filter = ["weekly_review_weekday", "time_zone"]
    list_select_related = ["vsm"]
    search_fields = ["name", "market", "vsm__username", "vsm__first_name", "vsm__last_name"]
    autocomplete_fields = ["vsm"]
    readonly_fields = ["team_list"]
    fieldsets = [
        (None, {"fields": ["name", "market", "vsm"]}),
        ("Weekly review", {"fields": ["time_zone", "weekly_review_weekday", "weekly_review_time"]}),
        (
            "Teams",
            {
                "description": "Teams are added to a value stream from the team's own page.",
                "fields": ["team_list"],
            },
        ),
    ]

    def get_queryset(self, request) -> QuerySet[ValueStream]:
        return super().get_queryset(request).annotate(team_total=Count("teams", distinct=True))

    @admin.display(description="teams", ordering="team_total")
    def team_count(self, obj: ValueStream) -> int:
        return obj.team_total

    @admin.display(description="teams serving it")
    def team_list(self, obj: ValueStream) -> str:
        if obj.pk is None:
            return "-"
        return ", ".join(team.name for team in obj.teams.order_by("name")) or "-"


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    form = TeamForm
    list_display = [
        "name",
        "kind",
        "value_stream_names",
        "coordinator",
        "leader",
        "member_count",
        "stage_names",
        "time_zone",
        "standup_time",
        "working_day_names",
    ]
    list_filter = ["kind", "value_streams", "time_zone", "coordinator"]
    list_select_related = ["coordinator"]
    search_fields = [
        "name",
        "value_streams__name",
        "coordinator__username",
        "coordinator__first_name",
        "coordinator__last_name",
    ]
    autocomplete_fields = ["coordinator"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "value_streams", "stages"]}),
        ("Team Coordinator", {"fields": ["coordinator"]}),
        ("Stand-up", {"fields": ["time_zone", "standup_time", "working_days"]}),
    ]
    inlines = [MembershipByTeamInline]

    def get_queryset(self, request) -> QuerySet[Team]:
        leaders = Membership.objects.filter(role=Membership.Role.LEADER).select_related("user")
        return (
            super()
            .get_queryset(request)
            .annotate(membership_total=Count("memberships", distinct=True))
            .prefetch_related(
                "value_streams", Prefetch("memberships", queryset=leaders, to_attr="leaders")
            )
        )

    @admin.display(description="value streams")
    def value_stream_names(self, obj: Team) -> str:
        return ", ".join(vs.name for vs in obj.value_streams.all()) or "-"

    @admin.display(description="Team Leader")
    def leader(self, obj: Team) -> str:
        return ", ".join(m.user.display_name for m in obj.leaders) or "-"

    @admin.display(description="people", ordering="membership_total")
    def member_count(self, obj: Team) -> int:
        return obj.membership_total

    @admin.display(description="stages")
    def stage_names(self, obj: Team) -> str:
        return ", ".join(obj.stage_labels()) or "-"

    @admin.display(description="working days")
    def working_day_names(self, obj: Team) -> str:
        return ", ".join(obj.working_day_labels()) or "-"


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role", "function"]
    list_filter = ["role", "function", "team__kind", "team"]
    list_select_related = ["user", "team"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "team__name",
    ]
    autocomplete_fields = ["user", "team"]
