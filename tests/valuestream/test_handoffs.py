"""Handoffs: a prospect moves to a stage another team serves; that team's TC acknowledges.

The prospect stays with the sending team, in its stage, until the acknowledgement."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roles.models import Membership, Stage
from standardwork.models import Notice
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory
from tests.valuestream.conftest import add_email, at, enroll, prospects
from valuestream.models import Enrollment, Handoff, Prospect
from valuestream.services import economics
from valuestream.services import handoffs as handoff_services

pytestmark = pytest.mark.django_db
NOW = "2026-11-25 10:00"


@pytest.fixture
def east(org):
    """Another team of the Pumps value stream, serving acquisition and retention."""
    team = TeamFactory(
        name="East", value_streams=[org["pumps"]], coordinator=UserFactory(username="east.tc"),
        stages=[Stage.ACQUISITION, Stage.RETENTION], time_zone="America/New_York",
    )  # fmt: skip
    MembershipFactory(team=team, user=UserFactory(username="east.tl"), role=Membership.Role.LEADER)
    return team


@pytest.fixture
def prospect(org):
    (prospect,) = prospects(org["team"], 1, first_name="Ada", last_name="Byrne", company="Hydro")
    return prospect


def hand_off(org, prospect, east, **kwargs):
    return handoff_services.prospect_hand_off(
        actor=kwargs.pop("actor", org["member"]), prospect_id=prospect.pk, to_team=east,
        stage=kwargs.pop("stage", Stage.ACQUISITION), note="Wants a quote for 40 pumps.",
        now=at(NOW), **kwargs,
    )  # fmt: skip


def test_a_member_hands_a_prospect_off_and_the_receiving_tc_gets_a_notice(org, east, prospect):
    handoff = hand_off(org, prospect, east)

    prospect.refresh_from_db()
    assert (handoff.from_team, handoff.to_team, handoff.from_stage, handoff.stage) == (
        org["team"], east, Stage.IDENTIFICATION, Stage.ACQUISITION,
    )  # fmt: skip
    assert (handoff.handed_off_by, handoff.handed_off_at, handoff.note) == (
        org["member"], at(NOW), "Wants a quote for 40 pumps.",
    )  # fmt: skip
    assert (handoff.acknowledged_by, handoff.acknowledged_at) == (None, None)
    # Until acknowledged, the prospect is the sending team's, in its old stage.
    assert (prospect.team, prospect.stage) == (org["team"], Stage.IDENTIFICATION)
    notice = Notice.objects.get()
    assert notice.recipient.username == "east.tc"
    assert notice.kind == Notice.Kind.HANDOFF
    assert notice.text == (
        "North hands Ada Byrne (Hydro) to East for Customer Acquisition: "
        "acknowledge it to take the prospect in."
    )
    assert notice.url == reverse("valuestream:handoff_list")
    assert notice.date.isoformat() == "2026-11-25"  # East's local date (New York)
    assert notice.email is True


def test_acknowledging_moves_the_prospect_and_stops_the_sending_teams_sequences(
    org, east, prospect, campaign
):
    add_email(campaign, org["leader"], delay=2)
    enroll(campaign, [prospect], at(NOW))
    handoff = hand_off(org, prospect, east)

    handoff_services.handoff_acknowledge(
        actor=east.coordinator, handoff_id=handoff.pk, now=at("2026-11-25 15:00")
    )

    prospect.refresh_from_db()
    handoff.refresh_from_db()
    enrollment = Enrollment.objects.get()
    assert (prospect.team, prospect.stage) == (east, Stage.ACQUISITION)
    assert (handoff.acknowledged_by, handoff.acknowledged_at) == (
        east.coordinator, at("2026-11-25 15:00"),
    )  # fmt: skip
    assert (enrollment.status, enrollment.stop_reason, enrollment.next_due_at) == (
        Enrollment.Status.STOPPED, Enrollment.StopReason.HANDED_OFF, None,
    )  # fmt: skip
    assert Notice.objects.get().resolved_at == at("2026-11-25 15:00")


@pytest.mark.parametrize("who", ["east.tl", "vsm", "coordinator", "member"])
def test_only_the_receiving_tc_acknowledges_and_a_refusal_writes_nothing(org, east, prospect, who):
    handoff = hand_off(org, prospect, east)
    people = {"east.tl": east.memberships.get().user, **org}

    with pytest.raises(PermissionDenied, match="Only the coordinator of the receiving team"):
        handoff_services.handoff_acknowledge(actor=people[who], handoff_id=handoff.pk)

    handoff.refresh_from_db()
    prospect.refresh_from_db()
    assert (handoff.acknowledged_by, handoff.acknowledged_at) == (None, None)
    assert (prospect.team, prospect.stage) == (org["team"], Stage.IDENTIFICATION)


def test_acknowledging_twice_changes_nothing_the_second_time(org, east, prospect):
    handoff = hand_off(org, prospect, east)
    handoff_services.handoff_acknowledge(
        actor=east.coordinator, handoff_id=handoff.pk, now=at("2026-11-25 15:00")
    )

    again = handoff_services.handoff_acknowledge(
        actor=east.coordinator, handoff_id=handoff.pk, now=at("2026-11-26 09:00")
    )

    assert again.acknowledged_at == at("2026-11-25 15:00")


def test_someone_outside_the_team_cannot_hand_its_prospect_off(org, east, prospect):
    for outsider in (org["other_leader"], east.coordinator, org["vsm"]):
        with pytest.raises(PermissionDenied, match="Only people in the team"):
            hand_off(org, prospect, east, actor=outsider)

    assert not Handoff.objects.exists()
    assert not Notice.objects.exists()


def test_a_handoff_to_a_team_that_cannot_take_it_is_refused_with_the_reason(org, east, prospect):
    cases = [
        (east, Stage.VALUE, {"stage": ["East does not serve Customer Value "
                                       "(it serves Customer Acquisition, Customer Retention)."]}),
        (org["team"], Stage.VALUE, {"to_team": ["North has Ada Byrne already."]}),
        (org["other_team"], Stage.VALUE,
         {"to_team": ["South serves none of North's value streams."]}),
        (org["marcom"], Stage.VALUE, {"to_team": ["Marketing Communication does not take "
                                                  "prospects: choose a sales team."]}),
    ]  # fmt: skip
    for to_team, stage, errors in cases:
        with pytest.raises(ValidationError) as refused:
            hand_off(org, prospect, to_team, stage=stage)
        assert refused.value.message_dict == errors

    assert not Handoff.objects.exists()
    assert not Notice.objects.exists()


def test_a_team_without_a_coordinator_takes_no_handoff(org, east, prospect):
    east.coordinator = None
    east.save(update_fields=["coordinator"])

    with pytest.raises(ValidationError) as refused:
        hand_off(org, prospect, east)

    assert refused.value.message_dict == {
        "to_team": ["East has no coordinator to acknowledge the handoff."]
    }


def test_a_second_handoff_while_one_waits_is_refused(org, east, prospect):
    hand_off(org, prospect, east)

    with pytest.raises(ValidationError) as refused:
        hand_off(org, prospect, east, stage=Stage.RETENTION)

    assert refused.value.messages == [
        "Ada Byrne is being handed to East already: its coordinator has not acknowledged it yet."
    ]
    assert Handoff.objects.count() == 1


# --- the pages -------------------------------------------------------------------------


def test_the_receiving_tc_sees_the_handoff_and_acknowledges_it_on_the_page(
    client, org, east, prospect, django_assert_max_num_queries
):
    handoff = hand_off(org, prospect, east)
    client.force_login(east.coordinator)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("valuestream:handoff_list"))
    response = client.post(reverse("valuestream:handoff_acknowledge", args=[handoff.pk]))

    text = page.content.decode()
    assert "Ada Byrne" in text and "Wants a quote for 40 pumps." in text
    assert reverse("valuestream:handoff_acknowledge", args=[handoff.pk]) in text
    assert response.status_code == 302
    assert Prospect.objects.get().team == east


def test_the_sending_team_sees_the_handoff_waiting_without_an_acknowledge_button(
    client, org, east, prospect
):
    handoff = hand_off(org, prospect, east)
    client.force_login(org["member"])

    text = client.get(reverse("valuestream:handoff_list")).content.decode()
    refused = client.post(reverse("valuestream:handoff_acknowledge", args=[handoff.pk]))

    assert "Waiting for the receiving coordinator" in text and "Ada Byrne" in text
    assert reverse("valuestream:handoff_acknowledge", args=[handoff.pk]) not in text
    assert refused.status_code == 403
    assert Handoff.objects.get().acknowledged_at is None


def test_another_value_streams_people_get_404_for_a_handoff(client, org, east, prospect):
    handoff = hand_off(org, prospect, east)
    client.force_login(org["other_leader"])

    answer = client.post(reverse("valuestream:handoff_acknowledge", args=[handoff.pk]))
    page = client.get(reverse("valuestream:prospect_hand_off", args=[prospect.pk]))

    assert (answer.status_code, page.status_code) == (404, 404)
    assert Handoff.objects.get().acknowledged_at is None


def test_a_member_hands_off_on_the_page(client, org, east, prospect):
    client.force_login(org["member"])
    url = reverse("valuestream:prospect_hand_off", args=[prospect.pk])

    form = client.get(url)
    response = client.post(url, {"to_team": east.pk, "stage": "acquisition", "note": "Ready."})

    assert "East" in form.content.decode()
    assert response.status_code == 302
    assert Handoff.objects.get().to_team == east


def test_the_page_refuses_a_stage_the_team_does_not_serve_and_writes_nothing(
    client, org, east, prospect
):
    client.force_login(org["member"])
    url = reverse("valuestream:prospect_hand_off", args=[prospect.pk])

    bad_stage = client.post(url, {"to_team": east.pk, "stage": "value"})
    no_stage = client.post(url, {"to_team": east.pk, "stage": "later"})
    other_team = client.post(url, {"to_team": org["other_team"].pk, "stage": "value"})

    assert "East does not serve Customer Value" in bad_stage.content.decode()
    assert "Select a valid choice" in no_stage.content.decode()
    assert "Choose a team of the prospect&#x27;s value stream." in other_team.content.decode()
    assert not Handoff.objects.exists()


def test_the_handoffs_page_costs_the_same_queries_for_one_handoff_or_six(client, org, east):
    client.force_login(east.coordinator)
    url = reverse("valuestream:handoff_list")
    (first,) = prospects(org["team"], 1)
    hand_off(org, first, east)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for prospect in prospects(org["team"], 5):
        hand_off(org, prospect, east)

    with CaptureQueriesContext(connection) as six:
        page = client.get(url)

    assert page.content.decode().count('class="vs-handoff"') == 6
    assert len(six) == len(one)


def test_a_win_hands_the_prospect_to_the_team_serving_retention(org, east, campaign, prospect):
    enroll(campaign, [prospect], at(NOW))

    economics.prospect_win(
        actor=org["leader"], campaign=campaign, prospect=prospect, amount=Decimal("12000"),
        won_on=date(2026, 11, 24),
    )  # fmt: skip

    handoff = Handoff.objects.get()
    assert (handoff.from_team, handoff.to_team, handoff.from_stage, handoff.stage) == (
        org["team"], east, Stage.IDENTIFICATION, Stage.RETENTION,
    )  # fmt: skip
    assert handoff.note == "Won: an order of 12000 on 24 Nov 2026."
    prospect.refresh_from_db()
    assert (prospect.team, prospect.stage) == (org["team"], Stage.IDENTIFICATION)
