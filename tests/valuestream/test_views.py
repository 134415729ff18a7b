"""The pages: access by team, the VSM's budget, fixed query counts, safe CSV."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.valuestream.conftest import add_call, add_email, at, enroll, prospects
from valuestream import exports
from valuestream.models import BudgetAllocation, CallLog, Campaign, StepExecution
from valuestream.selectors import economics as economics_selectors
from valuestream.services import calls as call_services
from valuestream.services import economics, engine

pytestmark = pytest.mark.django_db
NOW = "2026-11-25 10:00"


def test_a_team_sees_only_its_own_campaigns_and_prospects(client, org, campaign):
    (prospect,) = prospects(org["team"], 1, first_name="Visible")
    enroll(campaign, [prospect], at(NOW))

    client.force_login(org["other_leader"])
    listed = client.get(reverse("valuestream:campaign_list"))
    detail = client.get(reverse("valuestream:campaign_detail", args=[campaign.pk]))
    export = client.get(reverse("valuestream:campaign_prospects_csv", args=[campaign.pk]))

    assert campaign.name not in listed.content.decode()
    assert (detail.status_code, export.status_code) == (404, 404)
    client.force_login(org["member"])
    assert (
        "Visible"
        in client.get(reverse("valuestream:campaign_detail", args=[campaign.pk])).content.decode()
    )


def test_only_the_vsm_allocates_budget(client, org, campaign):
    body = {
        f"vs{org['pumps'].pk}-program": campaign.program_id,
        f"vs{org['pumps'].pk}-period_start": "2026-10-01",
        f"vs{org['pumps'].pk}-period_end": "2026-12-31",
        f"vs{org['pumps'].pk}-amount": "5000",
    }
    url = reverse("valuestream:budget_allocate", args=[org["pumps"].pk])

    for outsider in ("coordinator", "leader", "other_vsm"):
        client.force_login(org[outsider])
        assert client.post(url, body).status_code == 404
    with pytest.raises(PermissionDenied):
        economics.budget_allocate(
            actor=org["coordinator"], program=campaign.program, period_start=date(2026, 10, 1),
            period_end=date(2026, 12, 31), amount=Decimal(1),
        )  # fmt: skip
    assert not BudgetAllocation.objects.exists()

    client.force_login(org["vsm"])
    assert client.post(url, body).status_code == 302
    assert BudgetAllocation.objects.get().amount == Decimal("5000")


def test_roi_per_program_and_value_stream(org, campaign):
    economics.spend_record(program=campaign.program, spent_on=date(2026, 11, 1),
                           amount=Decimal("1000"), description="Stand")  # fmt: skip
    (won,) = prospects(org["team"], 1)
    economics.revenue_attribute(program=campaign.program, prospect=won, amount=Decimal("2500"),
                                won_on=date(2026, 11, 20), actor=org["vsm"])  # fmt: skip

    (figures,) = economics_selectors.economics([org["pumps"]])

    (program,) = figures.programs
    assert (program.spent, program.revenue, program.roi) == (1000, 2500, Decimal("150.0"))
    assert figures.roi == Decimal("150.0")


def _calls_for(org, campaign, count):
    """`count` more prospects with a call due; half of them called back later."""
    people = prospects(org["team"], count)
    enroll(campaign, people, at(NOW))
    engine.campaign_steps_run_due(now=at(NOW))
    for execution in StepExecution.objects.filter(status="call_due")[: count // 2]:
        call_services.call_log(actor=org["member"], execution_id=execution.pk,
                               disposition="call_back", now=at(NOW))  # fmt: skip


def test_the_call_queue_costs_the_same_queries_for_3_and_30_calls(
    client, org, campaign, script, fixed_clock
):
    fixed_clock.move_to(at(NOW))  # the page shows the calls due by today
    add_call(campaign, org["leader"], script)
    client.force_login(org["member"])
    url = reverse("valuestream:calls_today")
    _calls_for(org, campaign, 3)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _calls_for(org, campaign, 30)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)

    assert len(large) == len(small)
    assert page.content.decode().count('name="disposition" value="meeting"') > 3


def test_the_campaign_report_costs_the_same_queries_as_it_grows(org, campaign, script, client):
    add_email(campaign, org["leader"])
    add_call(campaign, org["leader"], script)
    client.force_login(org["vsm"])
    url = reverse("valuestream:campaign_report", args=[campaign.pk])
    _calls_for(org, campaign, 4)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _calls_for(org, campaign, 40)
    engine.campaign_steps_run_due(now=at("2026-11-26 10:00"))
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)

    assert len(large) == len(small)
    assert "<svg" in page.content.decode()


def test_the_funnel_counts_each_stage(org, campaign, script, client):
    add_email(campaign, org["leader"])
    add_call(campaign, org["leader"], script, delay=1)
    people = prospects(org["team"], 4)
    enroll(campaign, people, at(NOW))
    engine.campaign_steps_run_due(now=at(NOW))
    engine.campaign_steps_run_due(now=at("2026-11-26 10:00"))
    calls = list(StepExecution.objects.filter(status="call_due").order_by("pk"))
    for execution, disposition in zip(calls, ["meeting", "connect", "voicemail"], strict=False):
        call_services.call_log(actor=org["member"], execution_id=execution.pk,
                               disposition=disposition, now=at("2026-11-26 11:00"))  # fmt: skip
    economics.spend_record(program=campaign.program, spent_on=date(2026, 11, 26),
                           amount=Decimal("400"), description="Calls")  # fmt: skip
    won = CallLog.objects.get(disposition="meeting").prospect
    economics.revenue_attribute(program=campaign.program, prospect=won, amount=Decimal("1000"),
                                won_on=date(2026, 11, 26), actor=org["vsm"])  # fmt: skip
    client.force_login(org["vsm"])

    response = client.get(reverse("valuestream:campaign_funnel_csv", args=[campaign.pk]))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][:11] == ["campaign", campaign.name, "4", "4", "3", "2", "1", "1", "400.00",
                            "1000.00", "150.0"]  # fmt: skip


def test_csv_cells_that_look_like_formulas_are_escaped(org, campaign, client):
    (prospect,) = prospects(org["team"], 1, first_name="=HYPERLINK(\"x\")", company="+SUM(A1)",
                            last_name="-1", phone="@cmd")  # fmt: skip
    enroll(campaign, [prospect], at(NOW))
    client.force_login(org["leader"])

    response = client.get(reverse("valuestream:campaign_prospects_csv", args=[campaign.pk]))

    row = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))[1]
    assert row[:3] == ['\'=HYPERLINK("x")', "'-1", "'+SUM(A1)"]
    assert row[4] == "'@cmd"
    assert exports.cell("plain") == "plain"


def test_a_leader_creates_a_campaign_and_adds_steps(client, org, script):
    client.force_login(org["leader"])

    response = client.post(reverse("valuestream:campaign_create"), {
        "team": org["team"].pk, "value_stream": org["pumps"].pk, "name": "Expo",
        "event_kind": "trade_show", "event_name": "Pump Expo", "event_date": "2026-11-10",
    })  # fmt: skip
    campaign = Campaign.objects.get(name="Expo")
    client.post(reverse("valuestream:step_add", args=[campaign.pk]), {
        "step-kind": "email", "step-delay_business_days": "0", "step-subject": "Hi",
        "step-body": "Hello",
    })  # fmt: skip
    client.post(reverse("valuestream:step_add", args=[campaign.pk]), {
        "step-kind": "call", "step-delay_business_days": "2", "step-script": script.pk,
    })  # fmt: skip

    assert response.status_code == 302
    assert list(campaign.steps.values_list("kind", flat=True)) == ["email", "call"]
    assert list(campaign.scripts.all()) == [script]


def test_a_member_cannot_create_a_campaign(client, org):
    client.force_login(org["member"])

    assert client.get(reverse("valuestream:campaign_create")).status_code == 403
    assert not Campaign.objects.exists()


def test_a_call_is_logged_with_one_tap_from_the_queue(client, org, campaign, script):
    add_call(campaign, org["leader"], script)
    enroll(campaign, prospects(org["team"], 1), at(NOW))
    engine.campaign_steps_run_due(now=at(NOW))
    execution = StepExecution.objects.get()
    client.force_login(org["member"])

    response = client.post(
        reverse("valuestream:call_log", args=[execution.pk]),
        {"disposition": "meeting", "note": "Thursday 10:00"},
        headers={"HX-Request": "true"},
    )

    assert "Logged: <strong>Meeting booked</strong>" in response.content.decode()
    assert CallLog.objects.get().note == "Thursday 10:00"


@pytest.mark.parametrize(
    "model",
    ["holiday", "campaign", "prospect", "enrollment", "stepexecution", "calllog", "program",
     "budgetallocation", "spendentry", "revenueentry"],
)  # fmt: skip
def test_the_admin_lists_the_value_streams_records(admin_client, org, campaign, model):
    assert admin_client.get(reverse(f"admin:valuestream_{model}_changelist")).status_code == 200


def test_a_stopped_enrolment_shows_no_next_step(org, campaign, script, client):
    add_call(campaign, org["leader"], script)
    add_email(campaign, org["leader"], delay=2)
    (prospect,) = prospects(org["team"], 1)
    enroll(campaign, [prospect], at("2026-11-25 09:00"))
    engine.campaign_steps_run_due(now=at("2026-11-25 10:00"))
    call = StepExecution.objects.get()
    client.force_login(org["leader"])
    page = reverse("valuestream:campaign_detail", args=[campaign.pk])
    assert "in the call queue" in client.get(page).content.decode()

    call_services.call_log(
        actor=org["member"], execution_id=call.pk, disposition="not_interested",
        now=at("2026-11-25 11:00"),
    )  # fmt: skip

    html = client.get(page).content.decode()
    assert "Stopped: Not interested" in html
    assert "in the call queue" not in html
