"""The demo's follow-up campaigns: real numbers in every report, and once only."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from roles.models import User
from standardwork.models import Action
from valuestream.models import (
    BudgetAllocation,
    CallLog,
    Campaign,
    ControlPointFeed,
    Handoff,
    Prospect,
    RevenueEntry,
    ScriptVersion,
    SpendEntry,
    StepExecution,
    TrainingSession,
)
from valuestream.selectors import reports

pytestmark = pytest.mark.django_db


@override_settings(DEMO_DATA_ALLOWED=True)
def test_the_demo_has_two_campaigns_with_history_and_a_second_run_adds_nothing():
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert "Campaigns: 2 follow-up campaigns, 250 prospects" in out.getvalue()
    kinds = set(Campaign.objects.values_list("event_kind", flat=True))
    assert kinds == {"trade_show", "webinar"}
    assert Prospect.objects.count() == 250
    assert CallLog.objects.count() > 100
    assert set(CallLog.objects.values_list("disposition", flat=True)) == {
        "connect", "voicemail", "call_back", "not_interested", "unqualified", "meeting",
    }  # fmt: skip
    assert set(CallLog.objects.values_list("script_version__number", flat=True)) >= {1, 2}
    member = User.objects.get(username="member")
    assert StepExecution.objects.filter(caller=member, status="call_due").exists()
    posts = Action.objects.filter(team__kind="marcom", title__startswith="Post the printed")
    assert posts.exists()
    # Marketing Communication posted what was due before the last two days: its lead's
    # page is not buried under a hundred overdue catalogues.
    today = timezone.localdate()
    assert not posts.filter(done_at__isnull=True, due_date__lt=today - timedelta(days=2)).exists()
    assert all(
        p.done_at.date() == p.due_date + timedelta(days=1) for p in posts.exclude(done_at=None)
    )
    assert BudgetAllocation.objects.count() == 2
    assert SpendEntry.objects.count() > 3  # the event costs and each piece of direct mail
    assert RevenueEntry.objects.exists()
    assert TrainingSession.objects.get().recordings.count() == 1
    assert ControlPointFeed.objects.count() == 3
    expo = Campaign.objects.get(event_kind="trade_show")
    funnel = reports.campaign_funnel(expo)
    assert funnel.stages["enrolled"] == 160
    assert funnel.stages["emailed"] == 160
    assert 0 < funnel.stages["meetings"] <= funnel.stages["connected"] <= funnel.stages["called"]
    assert funnel.roi is not None

    before = (Prospect.objects.count(), CallLog.objects.count(), ScriptVersion.objects.count())
    again = StringIO()
    call_command("seed_demo", stdout=again)

    assert "Follow-up campaigns already in place." in again.getvalue()
    after = (Prospect.objects.count(), CallLog.objects.count(), ScriptVersion.objects.count())
    assert after == before


@override_settings(DEMO_DATA_ALLOWED=True)
def test_the_demo_has_one_handoff_waiting_for_the_key_accounts_coordinator(client):
    call_command("seed_demo", stdout=StringIO())

    handoff = Handoff.objects.get(acknowledged_at__isnull=True)
    assert (handoff.from_team.name, handoff.to_team.name, handoff.stage) == (
        "Pumps Prospecting", "Pumps Key Accounts", "acquisition",
    )  # fmt: skip
    assert (handoff.handed_off_by.username, handoff.acknowledged_at) == ("member", None)
    assert handoff.prospect.team.name == "Pumps Prospecting"  # until acknowledged
    # Each prospect who booked a meeting went to Key Accounts, which serves
    # acquisition; its coordinator took them in.
    met = CallLog.objects.filter(disposition="meeting").values("prospect").distinct()
    taken_in = Handoff.objects.filter(acknowledged_at__isnull=False)
    assert sorted(taken_in.values_list("prospect", flat=True)) == sorted(
        row["prospect"] for row in met
    )
    assert set(taken_in.values_list("acknowledged_by__username", "to_team__name")) == {
        ("coordinator", "Pumps Key Accounts")
    }
    client.force_login(User.objects.get(username="coordinator"))
    page = client.get(reverse("valuestream:handoff_list")).content.decode()
    assert reverse("valuestream:handoff_acknowledge", args=[handoff.pk]) in page
