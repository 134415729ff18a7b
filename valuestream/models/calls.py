"""Call scripts, versioned: a script's text changes only by a new version, and
every call logs the version it used, so outcomes count per version."""

from django.conf import settings
from django.db import models

from roles.models import Team


class CallScript(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="call_scripts")
    name = models.CharField(max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="valuestream_script_name")
        ]

    def __str__(self) -> str:
        return self.name


class ScriptVersion(models.Model):
    script = models.ForeignKey(CallScript, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    note = models.CharField(max_length=300, blank=True, help_text="What changed and why.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["script", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["script", "number"], name="valuestream_script_version")
        ]

    def __str__(self) -> str:
        return f"{self.script.name} v{self.number}"
