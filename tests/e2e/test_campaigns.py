"""A follow-up campaign in a browser: the leader creates one from the demo trade show
with an email step and a call step using a script, imports a small CSV and runs the
due steps; the member logs a call outcome from the queue with one tap; the VSM sees
the funnel and the ROI move when the meeting is won."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from leanops.management.commands.seed_demo import DEMO_PASSWORD
from valuestream.models import CallLog, Campaign

pytestmark = pytest.mark.e2e

NAME = "Pump Expo hot leads"
CSV = (
    "First Name,Last Name,Company,Email,Time Zone\n"
    + "".join(
        f"Hot{n},Lead{n},Brewery {n},hot{n}@brewery.example,Europe/London\n" for n in range(6)
    )
).encode()


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def test_leader_member_and_vsm_run_a_follow_up_campaign(browser: Browser, live_server, demo):
    base = live_server.url

    # The leader: a campaign from the trade show, two steps, a CSV, the due steps run.
    leader = browser.new_page()
    log_in(leader, base, "leader")
    leader.goto(f"{base}/value-stream/campaigns/new/")
    leader.get_by_label("Name", exact=True).fill(NAME)
    leader.get_by_label("Event", exact=True).select_option("trade_show")
    leader.get_by_label("Event name").fill("Pump Expo 2026")
    leader.get_by_label("Event date").fill("2026-10-28")
    leader.get_by_label("Program").select_option(label="Calling program (Industrial Pumps)")
    leader.get_by_role("button", name="Create campaign").click()
    expect(leader.get_by_role("heading", name=NAME)).to_be_visible()

    leader.get_by_text("Add a step").click()
    leader.get_by_label("Kind").select_option("email")
    leader.get_by_label("Subject").fill("Thanks for visiting, {{first_name}}")
    leader.get_by_label("Body", exact=True).fill("Dear {{first_name}}, the slides are attached.")
    leader.get_by_role("button", name="Add step").click()
    expect(leader.get_by_text("Step 1 added: Email.")).to_be_visible()
    leader.get_by_text("Add a step").click()
    leader.get_by_label("Kind").select_option("call")
    leader.get_by_label("Call script", exact=True).select_option(label="Trade-show follow-up call")
    leader.get_by_role("button", name="Add step").click()
    expect(leader.get_by_text("Step 2 added: Call.")).to_be_visible()

    leader.get_by_role("link", name="Import a CSV").click()
    leader.get_by_label("CSV file").set_input_files(
        files=[{"name": "expo.csv", "mimeType": "text/csv", "buffer": CSV}]
    )
    leader.get_by_role("button", name="Import").click()
    expect(leader.get_by_text("6 new prospects")).to_be_visible()
    leader.get_by_role("link", name=NAME).click()
    leader.get_by_role("button", name="Run due steps now").click()
    expect(leader.get_by_text("12 steps run")).to_be_visible()
    assert sorted(m.to[0] for m in mail.outbox if "brewery" in m.to[0]) == [
        f"hot{n}@brewery.example" for n in range(6)
    ]

    # The member: the call in the queue, one tap.
    member = browser.new_page()
    log_in(member, base, "member")
    member.goto(f"{base}/value-stream/calls/")
    card = member.locator("article.vs-call", has_text="Brewery").first
    expect(card).to_be_visible()
    card.get_by_placeholder("Note (optional)").fill("Site visit on Thursday")
    card.get_by_role("button", name="Meeting booked").click()
    expect(member.get_by_text("Logged: Meeting booked")).to_be_visible()
    call = CallLog.objects.get(campaign__name=NAME)
    assert (call.disposition, call.note) == ("meeting", "Site visit on Thursday")

    # The VSM: the funnel shows the meeting; a win moves the ROI.
    vsm = browser.new_page()
    log_in(vsm, base, "vsm")
    campaign = Campaign.objects.get(name=NAME)
    vsm.goto(f"{base}/value-stream/campaigns/{campaign.pk}/report/")
    expect(vsm.locator(".vs-funnel title")).to_contain_text("Meetings 1")
    roi_before = vsm.locator("#funnel-roi").inner_text()
    win = vsm.locator("form.vs-win", has_text=call.prospect.company)
    win.get_by_label("Order value").fill("250000")
    win.get_by_role("button", name="Won").click()
    expect(vsm.locator("#funnel-revenue")).to_have_text("250000.00")
    expect(vsm.locator(".vs-funnel title")).to_contain_text("Won 1")
    assert vsm.locator("#funnel-roi").inner_text() != roi_before
