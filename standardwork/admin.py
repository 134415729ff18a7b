"""Admin for leader standard work.

What the admin may change follows the domain's rules:

- Templates are versioned: a version and its items are never edited. A new
  version is added on the Template version "add" page and written by
  services.templates.template_version_create, so it gets the next number, takes
  effect from today, and checklists already issued keep theirs.
- Checklists and checks are issued by the reconciler and changed through the
  tick, miss and verification services, which each leave a CheckEvent; here
  they are read-only, and never deleted, because the history hangs off them.
- CheckEvent is the append-only history: no add, change or delete.
- Absences added here go through services.absences.absence_record, which also removes
  untouched checklists already issued for those days.
- Stand-ups, impediments, actions, cycles and measurements are looked up and
  searched here; their changes belong to the pages, whose services check the
  rules (allowed cycle transitions, a reason for every escalation, limits on
  measurements) and keep the history. So they are read-only here, but for a
  control point's name, unit, target and limits, and an action's due date and
  owner, which an administrator may need to correct.
"""

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html

from standardwork.models import (
    Absence,
    Action,
    AdherenceWeek,
    Check,
    CheckEvent,
    Checklist,
    ControlPoint,
    ControlPointBaseline,
    Cycle,
    CycleEvent,
    Impediment,
    LayerTarget,
    Measurement,
    MeasurementChange,
    MissReason,
    Notice,
    StandardWorkTemplate,
    Standup,
    StandupAttendance,
    SummarisedWeek,
    TemplateItem,
    TemplateVersion,
)
from standardwork.services import absences as absence_services
from standardwork.services import adherence as adherence_services
from standardwork.services import cycles as cycle_services
from standardwork.services import templates as template_services
from standardwork.services.templates import ItemSpec

PERSON_SEARCH = ["username", "first_name", "last_name", "email"]


def _person_search(prefix: str) -> list[str]:
    return [f"{prefix}__{field}" for field in PERSON_SEARCH]


class ReadOnlyAdminMixin:
    """View-only: the rows are written by services, and the history must stay whole."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- templates ----------------------------------------------------------------


class TemplateVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TemplateVersion
    fields = ["version_link", "note", "effective_from", "created_by", "created_at", "item_count"]
    readonly_fields = fields
    extra = 0
    show_change_link = False

    def get_queryset(self, request) -> QuerySet[TemplateVersion]:
        return (
            super()
            .get_queryset(request)
            .select_related("created_by")
            .annotate(item_total=Count("items"))
        )

    @admin.display(description="version")
    def version_link(self, obj: TemplateVersion) -> str:
        url = reverse("admin:standardwork_templateversion_change", args=[obj.pk])
        return format_html('<a href="{}">v{}</a>', url, obj.number)

    @admin.display(description="items")
    def item_count(self, obj: TemplateVersion) -> int:
        return obj.item_total


@admin.register(StandardWorkTemplate)
class StandardWorkTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "layer", "scope", "is_active", "latest_version", "items_link"]
    list_filter = ["layer", "is_active", "value_stream", "team"]
    list_select_related = ["team", "value_stream"]
    search_fields = ["name", "team__name", "value_stream__name"]
    autocomplete_fields = ["team", "value_stream"]
    fields = ["name", "layer", "team", "value_stream", "is_active", "new_version_link"]
    readonly_fields = ["new_version_link"]
    inlines = [TemplateVersionInline]

    def get_queryset(self, request) -> QuerySet[StandardWorkTemplate]:
        return super().get_queryset(request).annotate(version_total=Count("versions"))

    @admin.display(description="scope")
    def scope(self, obj: StandardWorkTemplate) -> str:
        return obj.scope_label

    @admin.display(description="version", ordering="version_total")
    def latest_version(self, obj: StandardWorkTemplate) -> str:
        return f"v{obj.version_total}" if obj.version_total else "-"

    @admin.display(description="items")
    def items_link(self, obj: StandardWorkTemplate) -> str:
        url = reverse("admin:standardwork_templateitem_changelist")
        return format_html('<a href="{}?version__template__id__exact={}">items</a>', url, obj.pk)

    @admin.display(description="change the items")
    def new_version_link(self, obj: StandardWorkTemplate) -> str:
        if obj.pk is None:
            return "Save the template, then add its first version with its items."
        url = reverse("admin:standardwork_templateversion_add")
        return format_html(
            '<a href="{}?template={}">Add a new version</a> '
            "(issued checklists keep the version they were issued from)",
            url,
            obj.pk,
        )


class TemplateItemInline(admin.TabularInline):
    """Editable while a new version is added; read-only on a saved version."""

    model = TemplateItem
    fields = ["title", "cadence", "weekday", "day_of_month", "expected_minutes", "kind"]
    extra = 3
    min_num = 1
    validate_min = True

    def has_add_permission(self, request, obj=None) -> bool:
        return obj is None

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TemplateVersion)
class TemplateVersionAdmin(admin.ModelAdmin):
    list_display = ["template", "number", "note", "created_by", "created_at"]
    list_filter = ["template__layer", "template"]
    list_select_related = ["template", "template__team", "template__value_stream", "created_by"]
    search_fields = ["template__name", "note"]
    autocomplete_fields = ["template"]
    fields = ["template", "note"]
    inlines = [TemplateItemInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        # Written with its items in save_related, by the service.
        pass

    def save_related(self, request, form, formsets, change) -> None:
        (items,) = formsets
        specs = [
            ItemSpec(
                title=data["title"],
                cadence=data["cadence"],
                weekday=data.get("weekday"),
                day_of_month=data.get("day_of_month"),
                expected_minutes=data["expected_minutes"],
                kind=data["kind"],
            )
            for data in items.cleaned_data
            if data and not data.get("DELETE")
        ]
        version = template_services.template_version_create(
            actor=request.user,
            template_id=form.cleaned_data["template"].pk,
            items=specs,
            note=form.cleaned_data["note"],
        )
        form.instance.pk = version.pk
        form.instance.number = version.number
        form.instance.created_by = version.created_by
        form.instance.created_at = version.created_at
        # What construct_change_message reads after an ordinary formset.save().
        items.new_objects, items.changed_objects, items.deleted_objects = [], [], []


@admin.register(TemplateItem)
class TemplateItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "template", "version_number", "cadence_label", "expected_minutes"]
    list_filter = ["version__template", "version__template__layer", "cadence", "kind"]
    list_select_related = ["version", "version__template"]
    search_fields = ["title", "version__template__name"]

    @admin.display(description="template", ordering="version__template__name")
    def template(self, obj: TemplateItem) -> str:
        return obj.version.template.name

    @admin.display(description="version", ordering="version__number")
    def version_number(self, obj: TemplateItem) -> str:
        return f"v{obj.version.number}"

    @admin.display(description="cadence")
    def cadence_label(self, obj: TemplateItem) -> str:
        return obj.cadence_label


# --- targets, reasons, absences -----------------------------------------------


@admin.register(LayerTarget)
class LayerTargetAdmin(admin.ModelAdmin):
    list_display = ["layer", "target_percent", "working_minutes_per_day"]
    list_editable = ["target_percent", "working_minutes_per_day"]
    list_filter = ["layer"]
    search_fields = ["layer"]

    # The results pages and the dashboard keep the targets between requests.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        adherence_services.layer_targets_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        adherence_services.layer_targets_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        adherence_services.layer_targets_changed()


@admin.register(MissReason)
class MissReasonAdmin(admin.ModelAdmin):
    list_display = ["label", "position", "is_active", "times_used"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["label"]

    def get_queryset(self, request) -> QuerySet[MissReason]:
        return super().get_queryset(request).annotate(check_total=Count("checks"))

    @admin.display(description="times chosen", ordering="check_total")
    def times_used(self, obj: MissReason) -> int:
        return obj.check_total


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["person", "start_date", "end_date", "reason", "created_by", "created_at"]
    list_filter = ["reason", "start_date"]
    list_select_related = ["person", "created_by"]
    search_fields = _person_search("person")
    autocomplete_fields = ["person"]
    date_hierarchy = "start_date"
    fields = ["person", "start_date", "end_date", "reason", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        absence = absence_services.absence_record(
            actor=request.user,
            person=obj.person,
            start_date=obj.start_date,
            end_date=obj.end_date,
            reason=obj.reason,
        )
        obj.pk = absence.pk
        obj.created_by = absence.created_by
        obj.created_at = absence.created_at


# --- checklists, checks and their history -------------------------------------


class CheckInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Check
    fields = [
        "position",
        "item",
        "status",
        "done_at",
        "actual_minutes",
        "reason_label",
        "miss_note",
        "verification",
        "countermeasure",
    ]
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def get_queryset(self, request) -> QuerySet[Check]:
        return super().get_queryset(request).select_related("item", "miss_reason")

    @admin.display(description="reason")
    def reason_label(self, obj: Check) -> str:
        return obj.reason_label


@admin.register(Checklist)
class ChecklistAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["owner", "date", "time_zone", "done", "missed", "verified_by", "verified_at"]
    list_filter = ["date", "time_zone", ("verified_by", admin.EmptyFieldListFilter)]
    list_select_related = ["owner", "verified_by"]
    search_fields = _person_search("owner")
    date_hierarchy = "date"
    show_full_result_count = False
    inlines = [CheckInline]

    def get_queryset(self, request) -> QuerySet[Checklist]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                check_total=Count("checks"),
                done_total=Count("checks", filter=Q(checks__status=Check.Status.DONE)),
                missed_total=Count("checks", filter=Q(checks__status=Check.Status.MISSED)),
            )
        )

    @admin.display(description="done")
    def done(self, obj: Checklist) -> str:
        return f"{obj.done_total}/{obj.check_total}"

    @admin.display(description="missed", ordering="missed_total")
    def missed(self, obj: Checklist) -> int:
        return obj.missed_total


class CheckEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CheckEvent
    fields = ["at", "actor", "kind", "text"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request) -> QuerySet[CheckEvent]:
        return super().get_queryset(request).select_related("actor")


@admin.register(Check)
class CheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["item", "owner", "date", "status", "reason_label", "verification"]
    list_filter = ["status", "verification", "miss_reason", "item__kind", "checklist__date"]
    list_select_related = ["item", "checklist", "owner", "miss_reason"]
    search_fields = [
        "item__title",
        "miss_note",
        "miss_reason_text",
        "countermeasure",
        *_person_search("checklist__owner"),
    ]
    show_full_result_count = False
    inlines = [CheckEventInline]

    @admin.display(description="date", ordering="checklist__date")
    def date(self, obj: Check):
        return obj.checklist.date

    @admin.display(description="reason")
    def reason_label(self, obj: Check) -> str:
        return obj.reason_label


@admin.register(CheckEvent)
class CheckEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The append-only history of ticks, misses, undos, verifications and countermeasures."""

    list_display = ["at", "actor", "kind", "item_title", "owner", "text"]
    list_filter = ["kind", "at"]
    list_select_related = [
        "actor",
        "check_item",
        "check_item__item",
        "check_item__checklist",
        "check_item__checklist__owner",
    ]
    search_fields = ["text", "check_item__item__title", *_person_search("actor")]
    date_hierarchy = "at"
    show_full_result_count = False

    @admin.display(description="item", ordering="check_item__item__title")
    def item_title(self, obj: CheckEvent) -> str:
        return obj.check_item.item.title

    @admin.display(description="owner")
    def owner(self, obj: CheckEvent) -> str:
        return str(obj.check_item.checklist.owner)


@admin.register(SummarisedWeek)
class SummarisedWeekAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The weeks the summary tick has counted; a stale one is counted live until the next tick."""

    list_display = ["week_start", "summarised_at", "stale"]
    list_filter = ["stale"]


@admin.register(AdherenceWeek)
class AdherenceWeekAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """One person's counted checks of one closed week, as the dashboard's trend reads them."""

    list_display = ["week_start", "owner", "done", "missed", "open", "open_monthly"]
    list_select_related = ["owner"]
    search_fields = _person_search("owner")
    date_hierarchy = "week_start"
    show_full_result_count = False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "date", "text", "created_at", "read_at"]
    list_filter = ["kind", "date", ("read_at", admin.EmptyFieldListFilter)]
    list_select_related = ["recipient"]
    search_fields = ["text", *_person_search("recipient")]
    autocomplete_fields = ["recipient"]
    date_hierarchy = "date"


# --- the daily accountability rhythm -------------------------------------------


class StandupAttendanceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StandupAttendance
    fields = ["person", "present"]
    readonly_fields = fields
    extra = 0


@admin.register(Standup)
class StandupAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["team", "date", "starts_at", "started_at", "ended_at", "logged_by"]
    list_filter = ["team", "date"]
    search_fields = ["team__name", "notes"]
    date_hierarchy = "date"
    list_select_related = ["team", "logged_by"]
    inlines = [StandupAttendanceInline]


@admin.register(Impediment)
class ImpedimentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "team", "state", "raised_by", "raised_at", "escalated_to"]
    list_filter = ["state", "team", ("escalated_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "description", "removed_how", "escalation_reason", "team__name"]
    list_select_related = ["team", "raised_by", "escalated_to"]
    date_hierarchy = "raised_at"


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "owner", "due_date", "source", "done_at"]
    list_filter = ["source", "team", ("done_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "team__name", *_person_search("owner")]
    list_select_related = ["team", "owner"]
    autocomplete_fields = ["owner"]
    fields = ["title", "team", "owner", "due_date", "source", "standup", "cycle", "done_at"]
    readonly_fields = ["title", "team", "source", "standup", "cycle", "done_at"]
    date_hierarchy = "due_date"

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- improvement ----------------------------------------------------------------


class CycleEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CycleEvent
    fields = ["at", "actor", "from_phase", "to_phase", "note"]
    readonly_fields = fields
    extra = 0


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "team", "stage", "phase", "outcome", "created_at"]
    list_filter = ["kind", "phase", "outcome", "stage", "team"]
    search_fields = ["title", "problem", "hypothesis", "check_result", "team__name"]
    list_select_related = ["team"]
    inlines = [CycleEventInline]


@admin.register(CycleEvent)
class CycleEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["cycle", "from_phase", "to_phase", "actor", "at"]
    list_filter = ["to_phase"]
    search_fields = ["cycle__title", "note"]
    list_select_related = ["cycle", "actor"]


class MeasurementInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Measurement
    fields = ["measured_on", "value", "out_of_limits", "signal", "entered_by", "voided_at"]
    readonly_fields = fields
    extra = 0
    ordering = ["-measured_on"]


@admin.register(ControlPoint)
class ControlPointAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "unit", "target", "lower_limit", "upper_limit", "is_active"]
    list_filter = ["is_active", "team"]
    search_fields = ["name", "team__name"]
    list_select_related = ["team"]
    fields = [
        "name", "team", "cycle", "unit", "target", "lower_limit", "upper_limit",
        "allows_negative", "plausible_min", "plausible_max", "is_active",
    ]  # fmt: skip
    readonly_fields = ["team", "cycle"]
    inlines = [MeasurementInline]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # Set limits flag values too: judge the series again with the new ones.
        cycle_services.control_point_judge(control_point_id=obj.pk)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Measurement)
class MeasurementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "control_point", "measured_on", "value", "out_of_limits", "entered_by", "voided_at",
    ]  # fmt: skip
    list_filter = ["out_of_limits", "control_point__team"]
    search_fields = ["control_point__name", "signal"]
    list_select_related = ["control_point", "entered_by"]
    date_hierarchy = "measured_on"


@admin.register(ControlPointBaseline)
class ControlPointBaselineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Baselines are started from the chart page or by a cycle's adoption."""

    list_display = ["control_point", "starts_on", "reason", "cycle", "created_by"]
    list_filter = ["control_point__team"]
    search_fields = ["control_point__name", "reason"]
    list_select_related = ["control_point", "cycle", "created_by"]


@admin.register(MeasurementChange)
class MeasurementChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The history of corrections and voids, kept as written."""

    list_display = ["measurement", "kind", "old_value", "new_value", "reason", "changed_by"]
    list_filter = ["kind"]
    search_fields = ["measurement__control_point__name", "reason"]
    list_select_related = ["measurement__control_point", "changed_by"]


@admin.register(StandupAttendance)
class StandupAttendanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["standup", "person", "present"]
    list_filter = ["present", "standup__team"]
    search_fields = ["standup__team__name", *_person_search("person")]
    list_select_related = ["standup__team", "person"]
