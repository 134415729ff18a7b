"""Admin for the weekly reviews and calendar feeds: for looking things up.

A review's agenda is what the meeting saw, so it is read-only here; its notes
and actions are recorded on the review page, where the rules are enforced.
"""

from django.contrib import admin

from valuestream.models import CalendarFeed, ReviewNote, WeeklyReview


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
