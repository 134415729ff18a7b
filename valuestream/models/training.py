"""The TC's weekly script-playback training, with call recordings played back."""

from django.conf import settings
from django.db import models

from roles.models import Team
from valuestream.models.calls import ScriptVersion


def recording_upload_to(instance, filename: str) -> str:
    return f"valuestream/recordings/{instance.session.team_id}/{filename}"


class TrainingSession(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="training_sessions")
    held_on = models.DateField()
    scripts = models.ManyToManyField(ScriptVersion, related_name="training_sessions", blank=True)
    trainers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    notes = models.TextField(blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Script playback, {self.team} {self.held_on}"


class Recording(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="recordings"
    )
    title = models.CharField(max_length=160)
    file = models.FileField(upload_to=recording_upload_to)
    content_type = models.CharField(max_length=60, default="audio/mpeg")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title
