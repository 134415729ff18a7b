from django.contrib import admin

from leanops.models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    """Read-only: heartbeats are written by the beat and worker processes alone."""

    list_display = ["name", "last_seen", "hostname"]
    list_filter = ["name", "hostname"]
    search_fields = ["name", "hostname"]
    ordering = ["name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
