"""The TC's weekly script-playback training and its recordings."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from roles import policy as organisation
from roles.models import Team, User
from valuestream import policy
from valuestream.models import Recording, ScriptVersion, TrainingSession

AUDIO_TYPES = {"audio/mpeg", "audio/mp3", "audio/ogg", "audio/wav", "audio/x-wav", "audio/webm",
               "audio/mp4", "audio/x-m4a", "audio/aac"}  # fmt: skip
MAX_RECORDING_BYTES = 50 * 1024 * 1024


@transaction.atomic
def training_log(
    *,
    actor: User,
    team: Team,
    held_on: date,
    scripts: list[ScriptVersion],
    trainers: list[User],
    attendees: list[User],
    notes: str = "",
    recordings: list[tuple[str, UploadedFile]] = (),
) -> TrainingSession:
    organisation.require(policy.can_log_training(actor, team), policy.NOT_TRAINER)
    errors = {}
    if any(version.script.team_id != team.pk for version in scripts):
        errors["scripts"] = "Choose scripts of this team."
    if not attendees:
        errors["attendees"] = "Who attended?"
    if errors:
        raise ValidationError(errors)
    session = TrainingSession(team=team, held_on=held_on, notes=notes.strip(), logged_by=actor)
    session.full_clean(exclude=["team", "logged_by"])
    session.save()
    session.scripts.set(scripts)
    session.trainers.set(trainers)
    session.attendees.set(attendees)
    for title, upload in recordings:
        recording_add(actor=actor, session=session, title=title, upload=upload)
    return session


def recording_add(
    *, actor: User, session: TrainingSession, title: str, upload: UploadedFile
) -> Recording:
    """A call recording kept with Django's storage, played back in the browser."""
    organisation.require(policy.can_log_training(actor, session.team), policy.NOT_TRAINER)
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in AUDIO_TYPES:
        raise ValidationError({"recording": "Attach an audio file (mp3, ogg, wav, m4a)."})
    if upload.size > MAX_RECORDING_BYTES:
        raise ValidationError({"recording": "Keep a recording under 50 MB."})
    recording = Recording(
        session=session,
        title=(title or upload.name)[:160],
        content_type=content_type,
        uploaded_by=actor,
    )
    recording.file.save(upload.name, upload, save=False)
    recording.save()
    return recording
