"""Logging a call: one disposition drives the enrolment; outcomes per script version."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from roles.models import Stage
from standardwork.models import Notice
from tests.roles.factories import TeamFactory, UserFactory
from tests.valuestream.conftest import add_call, add_email, at, enroll, prospects
from valuestream.models import CallLog, Enrollment, Handoff, StepExecution
from valuestream.services import calls as call_services
from valuestream.services import campaigns as campaign_services
from valuestream.services import engine

pytestmark = pytest.mark.django_db

NOW = "2026-11-25 10:00"


@pytest.fixture
def queued(org, campaign, script):
    """One prospect with a call due today in the member's queue, then an email."""
    add_call(campaign, org["leader"], script)
    add_email(campaign, org["leader"], delay=2)
    (prospect,) = prospects(org["team"], 1)
    enroll(campaign, [prospect], at(NOW))
    engine.campaign_steps_run_due(now=at(NOW))
    return StepExecution.objects.get()


def test_a_meeting_booked_ends_the_sequence_and_moves_the_stage(org, queued):
    call = call_services.call_log(
        actor=org["member"], execution_id=queued.pk, disposition="meeting", note="Tue 10:00",
        now=at("2026-11-25 11:00"),
    )  # fmt: skip

    enrollment = Enrollment.objects.get()
    assert (enrollment.status, enrollment.stop_reason) == ("stopped", "meeting")
    assert enrollment.prospect.stage == Stage.ACQUISITION
    assert call.script_version.number == 1
    assert call.called_on == date(2026, 11, 25)
    queued.refresh_from_db()
    assert queued.status == StepExecution.Status.DONE


def test_a_voicemail_goes_on_to_the_next_step(org, queued):
    call_services.call_log(
        actor=org["member"], execution_id=queued.pk, disposition="voicemail",
        now=at("2026-11-25 11:00"),
    )  # fmt: skip

    enrollment = Enrollment.objects.get()
    assert enrollment.status == "active"
    assert enrollment.next_step.position == 2
    assert enrollment.next_due_at == at("2026-11-27 09:00")


def test_call_back_later_keeps_the_call_for_the_next_business_day(org, queued):
    call_services.call_log(
        actor=org["member"], execution_id=queued.pk, disposition="call_back",
        now=at("2026-11-27 11:00"),
    )  # fmt: skip

    queued.refresh_from_db()
    assert (queued.status, queued.due_on) == ("call_due", date(2026, 11, 30))


def test_a_logged_call_cannot_be_logged_twice(org, queued):
    call_services.call_log(actor=org["member"], execution_id=queued.pk, disposition="connect")

    with pytest.raises(ValidationError):
        call_services.call_log(actor=org["member"], execution_id=queued.pk, disposition="meeting")

    assert CallLog.objects.count() == 1


def test_someone_outside_the_team_cannot_log_the_call(org, queued):
    with pytest.raises(PermissionDenied):
        call_services.call_log(
            actor=org["other_leader"], execution_id=queued.pk, disposition="meeting"
        )

    assert CallLog.objects.count() == 0


def test_calls_log_the_script_version_current_at_the_time(org, queued, script):
    campaign_services.script_revise(
        actor=org["leader"], script=script, body="Open with the expo stand.", note="Shorter"
    )

    call = call_services.call_log(
        actor=org["member"], execution_id=queued.pk, disposition="connect"
    )

    assert call.script_version.number == 2


def test_a_meeting_booked_hands_the_prospect_to_the_team_serving_acquisition(org, queued):
    east = TeamFactory(
        name="East", value_streams=[org["pumps"]], coordinator=UserFactory(username="east.tc"),
        stages=[Stage.ACQUISITION, Stage.RETENTION],
    )  # fmt: skip

    call_services.call_log(
        actor=org["member"], execution_id=queued.pk, disposition="meeting", note="Tue 10:00",
        now=at("2026-11-25 11:00"),
    )  # fmt: skip

    handoff = Handoff.objects.get()
    assert (handoff.from_team, handoff.to_team, handoff.from_stage, handoff.stage) == (
        org["team"], east, Stage.IDENTIFICATION, Stage.ACQUISITION,
    )  # fmt: skip
    assert (handoff.handed_off_by, handoff.note, handoff.acknowledged_at) == (
        org["member"], "Meeting booked. Tue 10:00", None,
    )  # fmt: skip
    # Until East's coordinator acknowledges, the prospect stays where it was.
    prospect = Enrollment.objects.get().prospect
    assert (prospect.team, prospect.stage) == (org["team"], Stage.IDENTIFICATION)
    assert Notice.objects.get(kind=Notice.Kind.HANDOFF).recipient.username == "east.tc"


def test_a_meeting_booked_moves_the_stage_itself_when_the_team_serves_acquisition(org, queued):
    TeamFactory(
        name="East", value_streams=[org["pumps"]], coordinator=UserFactory(username="east.tc"),
        stages=[Stage.ACQUISITION],
    )  # fmt: skip
    org["team"].stages = [Stage.IDENTIFICATION, Stage.VALUE, Stage.ACQUISITION]
    org["team"].save(update_fields=["stages"])

    call_services.call_log(
        actor=org["member"], execution_id=queued.pk, disposition="meeting", note="",
        now=at("2026-11-25 11:00"),
    )  # fmt: skip

    assert not Handoff.objects.exists()
    prospect = Enrollment.objects.get().prospect
    assert (prospect.team, prospect.stage) == (org["team"], Stage.ACQUISITION)
