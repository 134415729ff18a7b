"""The dashboard's campaign panels count what the campaign report and the budget page
count, for every campaign at once, in a fixed number of queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.valuestream.conftest import add_call, add_email, at, enroll, prospects
from valuestream.models import StepExecution
from valuestream.selectors import campaign_panels as panels
from valuestream.selectors.reports import campaign_funnel
from valuestream.services import calls as call_services
from valuestream.services import campaigns as campaign_services
from valuestream.services import economics, engine

pytestmark = pytest.mark.django_db

WEEK = (date(2026, 11, 23), date(2026, 11, 29))


def _run(org, campaign, script, *, count: int):
    """`count` prospects emailed, then called: the first two meet, one of them is won."""
    add_email(campaign, org["leader"])
    add_call(campaign, org["leader"], script, delay=1)
    people = prospects(org["team"], count)
    enroll(campaign, people, at("2026-11-24 09:00"))
    engine.campaign_steps_run_due(now=at("2026-11-24 10:00"))
    engine.campaign_steps_run_due(now=at("2026-11-25 10:00"))
    calls = StepExecution.objects.filter(
        step__campaign=campaign, status=StepExecution.Status.CALL_DUE
    ).order_by("pk")
    for n, call in enumerate(calls):
        call_services.call_log(
            actor=org["member"], execution_id=call.pk,
            disposition="meeting" if n < 2 else "voicemail", now=at("2026-11-25 11:00"),
        )  # fmt: skip
    economics.prospect_win(
        actor=org["leader"], campaign=campaign, prospect=people[0],
        amount=Decimal("1200"), won_on=date(2026, 11, 26),
    )  # fmt: skip
    economics.spend_record(
        program=campaign.program, spent_on=date(2026, 11, 24), amount=Decimal("300"),
        description="Calling hours",
    )  # fmt: skip


def _panels(org, *, whole=True):
    return panels.campaign_panels(
        value_stream=org["pumps"], teams=[org["team"]], whole=whole,
        week_start=WEEK[0], week_end=WEEK[1],
    )  # fmt: skip


def test_a_value_stream_without_campaigns_or_programs_has_no_panels(org):
    assert _panels(org) is None


def test_the_funnel_and_money_are_those_of_the_campaign_report(org, campaign, script):
    _run(org, campaign, script, count=4)

    (row,) = _panels(org)["campaigns"]

    report = campaign_funnel(campaign)
    assert row["stages"] == report.stages
    assert row["stages"] == {
        "enrolled": 4, "emailed": 4, "called": 4, "connected": 2, "meetings": 2, "won": 1,
    }  # fmt: skip
    assert (row["spent"], row["revenue"], row["roi"]) == ("300.00", "1200.00", "300.0")
    assert [bar["width"] for bar in row["bars"]] == [100.0, 100.0, 100.0, 50.0, 50.0, 25.0]


def test_this_weeks_calls_are_counted_by_outcome(org, campaign, script):
    _run(org, campaign, script, count=3)

    calls = _panels(org)["calls"]

    assert calls["made"] == 3
    counts = {outcome["label"]: outcome["count"] for outcome in calls["outcomes"]}
    assert counts["Meeting booked"] == 2
    assert counts["Left voicemail"] == 1
    assert counts["Not interested"] == 0


def test_budget_and_roi_are_the_vsms_and_a_coordinator_sees_none(org, campaign, script):
    _run(org, campaign, script, count=2)
    economics.budget_allocate(
        actor=org["vsm"], program=campaign.program, period_start=date(2026, 11, 1),
        period_end=date(2026, 12, 31), amount=Decimal("1000"),
    )  # fmt: skip

    budget = _panels(org)["budget"]

    assert budget["programs"] == [
        {
            "name": campaign.program.name, "allocated": "1000.00", "spent": "300.00",
            "revenue": "1200.00", "roi": "300.0",
        }
    ]  # fmt: skip
    assert (budget["allocated"], budget["spent"], budget["roi"]) == ("1000.00", "300.00", "300.0")
    assert _panels(org, whole=False)["budget"] is None


def test_the_panels_keep_their_query_count_as_campaigns_grow(org, campaign, script):
    _run(org, campaign, script, count=2)
    with CaptureQueriesContext(connection) as one:
        _panels(org)

    for n in range(3):
        more = campaign_services.campaign_create(
            actor=org["leader"], team=org["team"], value_stream=org["pumps"],
            name=f"Webinar {n}", event_kind="webinar", event_name=f"Webinar {n}",
            event_date=date(2026, 11, 12),
        )  # fmt: skip
        _run(org, more, script, count=3)
    with CaptureQueriesContext(connection) as four:
        assert len(_panels(org)["campaigns"]) == 4

    assert len(four) == len(one)


def test_the_vsms_dashboard_shows_the_campaign_panels(org, campaign, script, client, fixed_clock):
    # The dashboard shows no week after today: be on the calls' week whatever the suite's clock.
    fixed_clock.move_to(at("2026-11-27 10:00"))
    _run(org, campaign, script, count=2)
    client.force_login(org["vsm"])

    html = client.get(reverse("valuestream:dashboard")).content.decode()

    assert "Campaigns are not set up yet." not in html
    assert campaign.name in html
    assert "Calls this week: 2" in html


QUOTED = '"\'=HYPERLINK(""http://evil.example"")"'


def test_the_funnel_csv_has_a_row_per_campaign_and_quotes_formulas(org, script, client):
    campaign = campaign_services.campaign_create(
        actor=org["leader"], team=org["team"], value_stream=org["pumps"],
        name="=HYPERLINK(\"http://evil.example\")", event_kind="webinar",
        event_name="Webinar", event_date=date(2026, 11, 12),
    )  # fmt: skip
    _run(org, campaign, script, count=2)
    client.force_login(org["vsm"])

    response = client.get(
        reverse("valuestream:funnel_csv", args=[org["pumps"].pk]), {"week": "2026-11-23"}
    )

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines == [
        "campaign,team,status,program,enrolled,emailed,called,connected,meetings,won,"
        "spent,revenue,roi_percent",
        # The campaign's own program has its name: quoted too.
        f"{QUOTED},North,Running,{QUOTED},2,2,2,2,2,1,300.00,1200.00,300.0",
    ]


def test_another_value_streams_vsm_cannot_download_its_funnel(org, campaign, client):
    client.force_login(org["other_vsm"])

    response = client.get(reverse("valuestream:funnel_csv", args=[org["pumps"].pk]))

    assert response.status_code == 404
