"""The value stream in the admin: the holiday list, and read-mostly views of the rest.

Campaigns, steps, calls and money are written through the pages (their
services hold the rules); the admin is for looking and for the holiday list (which
VSMs also keep on the Holidays page).
A weekly review's agenda is what the meeting saw, so it is read-only here; its
notes and actions are recorded on the review page, where the rules are enforced.
"""

from django.contrib import admin

from valuestream.models import (
    BudgetAllocation,
    CalendarFeed,
    CallLog,
    Campaign,
    Enrollment,
    Handoff,
    Holiday,
    Program,
    Prospect,
    RevenueEntry,
    ReviewNote,
    SpendEntry,
    StepExecution,
    WeeklyReview,
)


class ReviewNoteInline(admin.TabularInline):
    model = ReviewNote
    extra = 0
    fields = ["kind", "text", "created_by", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WeeklyReview)
class WeeklyReviewAdmin(admin.ModelAdmin):
    list_display = ["value_stream", "date", "starts_at", "prepared_at", "invited"]
    list_filter = ["value_stream"]
    date_hierarchy = "date"
    list_select_related = ["value_stream"]
    readonly_fields = [
        "value_stream",
        "week_start",
        "date",
        "starts_at",
        "time_zone",
        "prepared_at",
        "agenda",
        "invited",
    ]
    inlines = [ReviewNoteInline]

    def has_add_permission(self, request) -> bool:
        return False  # the beat tick prepares reviews


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["owner", "created_at", "reset_at"]
    search_fields = ["owner__username", "owner__first_name", "owner__last_name"]
    list_select_related = ["owner"]
    # The token is a secret: its owner sees it on their calendar page, not here.
    fields = ["owner", "created_at", "reset_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnly):
    list_display = ["name", "event_kind", "event_date", "team", "value_stream", "program"]
    list_filter = ["event_kind", "team"]


@admin.register(Prospect)
class ProspectAdmin(ReadOnly):
    list_display = ["email", "first_name", "last_name", "company", "team", "stage", "opted_out_at"]
    search_fields = ["email", "last_name", "company"]
    list_filter = ["stage", "team"]


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnly):
    list_display = ["prospect", "campaign", "status", "stop_reason", "next_step", "next_due_at"]
    list_filter = ["status", "stop_reason", "campaign"]
    list_select_related = ["prospect", "campaign", "next_step"]


@admin.register(StepExecution)
class StepExecutionAdmin(ReadOnly):
    list_display = ["enrollment", "step", "status", "caller", "due_on", "started_at"]
    list_filter = ["status"]
    list_select_related = ["enrollment__prospect", "enrollment__campaign", "step", "caller"]


@admin.register(CallLog)
class CallLogAdmin(ReadOnly):
    list_display = ["prospect", "campaign", "caller", "disposition", "script_version", "called_at"]
    list_filter = ["disposition"]
    list_select_related = ["prospect", "campaign", "caller", "script_version__script"]


@admin.register(Program)
class ProgramAdmin(ReadOnly):
    list_display = ["name", "kind", "value_stream"]


@admin.register(BudgetAllocation)
class BudgetAllocationAdmin(ReadOnly):
    list_display = ["program", "period_start", "period_end", "amount", "allocated_by"]


@admin.register(SpendEntry)
class SpendEntryAdmin(ReadOnly):
    list_display = ["program", "spent_on", "amount", "description"]


@admin.register(RevenueEntry)
class RevenueEntryAdmin(ReadOnly):
    list_display = ["program", "prospect", "won_on", "amount"]


@admin.register(Handoff)
class HandoffAdmin(ReadOnly):
    list_display = ["prospect", "from_team", "to_team", "stage", "handed_off_at", "acknowledged_at"]
    list_filter = ["to_team", "stage"]
    list_select_related = ["prospect", "from_team", "to_team"]
