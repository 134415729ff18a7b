"""Pausing a campaign stops its steps; resuming moves every waiting step on by the
business days it was paused, so what fell due meanwhile does not go out in a burst."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.valuestream.conftest import add_call, add_email, at, enroll, prospects
from valuestream.models import Campaign, Enrollment, Holiday, StepExecution
from valuestream.selectors import calls as call_selectors
from valuestream.services import campaigns as campaign_services
from valuestream.services import engine

pytestmark = pytest.mark.django_db
NOW = "2026-11-25 10:00"  # a Wednesday


def pause(campaign, actor, when=NOW):
    return campaign_services.campaign_pause(actor=actor, campaign_id=campaign.pk, now=at(when))


def resume(campaign, actor, when):
    return campaign_services.campaign_resume(actor=actor, campaign_id=campaign.pk, now=at(when))


def test_the_engine_takes_no_step_of_a_paused_campaign(org, campaign):
    add_email(campaign, org["leader"], delay=0)
    enroll(campaign, prospects(org["team"], 3), at(NOW))

    pause(campaign, org["leader"])
    result = engine.campaign_steps_run_due(now=at("2026-11-25 10:01"))

    campaign.refresh_from_db()
    assert (campaign.status, campaign.paused_at) == (Campaign.Status.PAUSED, at(NOW))
    assert (result.executed, len(mail.outbox)) == (0, 0)
    assert not StepExecution.objects.exists()


def test_resuming_moves_each_waiting_step_by_the_business_days_paused(org, campaign):
    add_email(campaign, org["leader"], delay=1)  # due Thursday 09:00 London
    enroll(campaign, prospects(org["team"], 2), at(NOW))
    (prospect,) = prospects(org["team"], 1, time_zone="America/New_York")
    enroll(campaign, [prospect], at(NOW))  # due Thursday 09:00 New York
    pause(campaign, org["leader"])

    # Paused Wednesday, resumed Monday: Thursday, Friday and Monday went by.
    resume(campaign, org["leader"], "2026-11-30 10:00")

    dues = sorted(Enrollment.objects.values_list("next_due_at", flat=True))
    assert dues == [
        at("2026-12-01 09:00", "Europe/London"),
        at("2026-12-01 09:00", "Europe/London"),
        at("2026-12-01 09:00", "America/New_York"),
    ]
    campaign.refresh_from_db()
    assert (campaign.status, campaign.paused_at) == (Campaign.Status.ACTIVE, None)


def test_after_resuming_nothing_overdue_goes_out_at_once(org, campaign):
    add_email(campaign, org["leader"], delay=1)
    enroll(campaign, prospects(org["team"], 4), at(NOW))
    pause(campaign, org["leader"])
    resume(campaign, org["leader"], "2026-11-30 10:00")

    on_resuming = engine.campaign_steps_run_due(now=at("2026-11-30 10:01"))
    a_day_later = engine.campaign_steps_run_due(now=at("2026-12-01 09:01"))

    assert (on_resuming.executed, a_day_later.executed) == (0, 4)
    assert len(mail.outbox) == 4


def test_holidays_in_the_pause_do_not_count_and_are_skipped(org, campaign):
    Holiday.objects.create(date=at("2026-11-27").date(), name="Founders' day")
    add_email(campaign, org["leader"], delay=1)  # due Thursday 26th, 09:00
    enroll(campaign, prospects(org["team"], 1), at(NOW))
    pause(campaign, org["leader"])

    # Thursday and Monday went by (Friday is a holiday): two business days on from
    # Thursday, skipping the Friday holiday, is Tuesday.
    resume(campaign, org["leader"], "2026-11-30 10:00")

    assert Enrollment.objects.get().next_due_at == at("2026-12-01 09:00", "Europe/London")


def test_a_pause_within_the_day_moves_nothing(org, campaign):
    add_email(campaign, org["leader"], delay=1)
    enroll(campaign, prospects(org["team"], 1), at(NOW))
    pause(campaign, org["leader"])

    resume(campaign, org["leader"], "2026-11-25 16:00")

    assert Enrollment.objects.get().next_due_at == at("2026-11-26 09:00", "Europe/London")


def test_a_stopped_enrolment_is_not_moved_by_resuming(org, campaign):
    add_email(campaign, org["leader"], delay=1)
    enroll(campaign, prospects(org["team"], 1), at(NOW))
    pause(campaign, org["leader"])
    enrollment = Enrollment.objects.get()
    campaign_services.reply_record(actor=org["member"], enrollment_id=enrollment.pk)

    resume(campaign, org["leader"], "2026-11-30 10:00")

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.next_due_at) == (Enrollment.Status.STOPPED, None)


def test_pausing_or_resuming_twice_changes_nothing(org, campaign):
    pause(campaign, org["leader"])
    pause(campaign, org["leader"], "2026-11-26 10:00")
    campaign.refresh_from_db()
    assert campaign.paused_at == at(NOW)

    resume(campaign, org["leader"], "2026-11-30 10:00")
    again = resume(campaign, org["leader"], "2026-12-01 10:00")

    assert (again.status, again.paused_at) == (Campaign.Status.ACTIVE, None)


@pytest.mark.parametrize("who", ["member", "coordinator", "other_leader"])
def test_only_the_campaigns_tl_or_vsm_pauses_it_and_a_refusal_writes_nothing(org, campaign, who):
    with pytest.raises(PermissionDenied, match="Only the team's leader or its value stream's VSM"):
        pause(campaign, org[who])

    campaign.refresh_from_db()
    assert (campaign.status, campaign.paused_at) == (Campaign.Status.ACTIVE, None)


def test_the_leader_pauses_and_resumes_from_the_campaign_page(client, org, campaign):
    client.force_login(org["leader"])
    detail = reverse("valuestream:campaign_detail", args=[campaign.pk])

    client.post(reverse("valuestream:campaign_pause", args=[campaign.pk]))
    paused_page = client.get(detail).content.decode()
    client.post(reverse("valuestream:campaign_resume", args=[campaign.pk]))
    running_page = client.get(detail).content.decode()

    assert "Resume the campaign" in paused_page and "Run due steps now" not in paused_page
    assert "Pause the campaign" in running_page
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.ACTIVE


def test_a_member_sees_no_pause_button_and_is_refused(client, org, campaign):
    client.force_login(org["member"])

    page = client.get(reverse("valuestream:campaign_detail", args=[campaign.pk])).content.decode()
    refused = client.post(reverse("valuestream:campaign_pause", args=[campaign.pk]))

    assert "Pause the campaign" not in page
    assert refused.status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.ACTIVE


def test_a_paused_campaigns_queued_calls_leave_the_queue_until_it_resumes(org, campaign, script):
    add_call(campaign, org["leader"], script, delay=0)
    enroll(campaign, prospects(org["team"], 1), at(NOW))
    engine.campaign_steps_run_due(now=at("2026-11-25 10:01"))
    today = at(NOW).date()
    assert len(call_selectors.calls_today(org["member"], today)) == 1

    pause(campaign, org["leader"])
    while_paused = call_selectors.calls_today(org["member"], today)
    resume(campaign, org["leader"], "2026-11-25 15:00")

    assert while_paused == []
    assert len(call_selectors.calls_today(org["member"], today)) == 1
