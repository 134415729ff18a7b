"""Impediments: raised by anyone in the team, owned by its TC until removed (saying
how), escalated by the TC to the VSM with a reason, answered by that VSM only."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from roles.models import Membership
from standardwork.models import Impediment, Notice
from standardwork.services import standups as services
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory, ValueStreamFactory
from tests.standardwork.conftest import at

pytestmark = pytest.mark.django_db

REASON = "Needs a CRM licence the team has no budget for"
ANSWER = "Approved: buy two licences from the Q4 budget"


@pytest.fixture
def impediment(org):
    return services.impediment_raise(
        actor=org["member"], team=org["team"], title="CRM export times out",
        description="Every export over 500 rows fails",
    )  # fmt: skip


@pytest.fixture
def outsider(db):
    other = TeamFactory(name="Elsewhere")
    return MembershipFactory(
        team=other, user=UserFactory(username="outsider"), role=Membership.Role.LEADER
    ).user


def state(impediment: Impediment) -> tuple:
    row = Impediment.objects.get(pk=impediment.pk)
    return (row.state, row.removed_how, row.removed_by_id, row.escalated_at, row.escalated_to_id,
            row.escalation_reason, row.escalation_answer, row.answered_by_id)  # fmt: skip


# --- raising ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "leader", "coordinator"])
def test_anyone_in_the_team_raises_an_impediment(org, who):
    raised = services.impediment_raise(actor=org[who], team=org["team"], title="  No headsets  ")

    assert (raised.title, raised.state, raised.raised_by, raised.standup) == (
        "No headsets",
        "open",
        org[who],
        None,
    )


def test_an_impediment_raised_at_a_standup_is_linked_to_it(org):
    standup = services.standup_open_today(team=org["team"], now=at("2026-11-18 08:30"))

    raised = services.impediment_raise(
        actor=org["member"], team=org["team"], title="No headsets", standup=standup
    )

    assert Impediment.objects.get(pk=raised.pk).standup == standup


@pytest.mark.parametrize("who", ["outsider", "vsm"])
def test_people_outside_the_team_raise_none(org, outsider, who):
    actor = outsider if who == "outsider" else org["vsm"]

    with pytest.raises(PermissionDenied, match=services.NOT_IN_TEAM):
        services.impediment_raise(actor=actor, team=org["team"], title="Not mine")

    assert not Impediment.objects.exists()


def test_an_impediment_needs_a_title(org):
    with pytest.raises(ValidationError) as error:
        services.impediment_raise(actor=org["member"], team=org["team"], title="   ")

    assert error.value.message_dict == {"title": ["Name the impediment."]}
    assert not Impediment.objects.exists()


# --- open -> in progress -> removed ------------------------------------------


def test_the_coordinator_moves_it_on_and_removes_it_saying_how(org, impediment):
    services.impediment_start(actor=org["coordinator"], impediment_id=impediment.pk)
    assert state(impediment)[0] == "in_progress"

    removed = services.impediment_remove(
        actor=org["coordinator"], impediment_id=impediment.pk,
        how="  IT raised the export limit  ", now=at("2026-11-18 10:00"),
    )  # fmt: skip

    assert (removed.state, removed.removed_how, removed.removed_by, removed.removed_at) == (
        "removed",
        "IT raised the export limit",
        org["coordinator"],
        at("2026-11-18 10:00"),
    )


def test_an_open_impediment_can_be_removed_straight_away(org, impediment):
    services.impediment_remove(actor=org["coordinator"], impediment_id=impediment.pk, how="Done")

    assert state(impediment)[:2] == ("removed", "Done")


def test_the_vsm_above_may_move_it_on(org, impediment):
    services.impediment_start(actor=org["vsm"], impediment_id=impediment.pk)
    services.impediment_remove(actor=org["vsm"], impediment_id=impediment.pk, how="Bought it")

    assert state(impediment)[:3] == ("removed", "Bought it", org["vsm"].pk)


def test_removing_needs_to_say_how_and_writes_nothing_without(org, impediment):
    before = state(impediment)

    with pytest.raises(ValidationError) as error:
        services.impediment_remove(actor=org["coordinator"], impediment_id=impediment.pk, how=" ")

    assert error.value.message_dict == {"removed_how": ["Say how it was removed."]}
    assert state(impediment) == before


def test_a_removed_impediment_stays_removed(org, impediment):
    services.impediment_remove(actor=org["coordinator"], impediment_id=impediment.pk, how="Done")

    with pytest.raises(ValidationError, match="already removed"):
        services.impediment_start(actor=org["coordinator"], impediment_id=impediment.pk)
    with pytest.raises(ValidationError, match="already removed"):
        services.impediment_remove(
            actor=org["coordinator"], impediment_id=impediment.pk, how="Again"
        )

    assert state(impediment)[:2] == ("removed", "Done")


@pytest.mark.parametrize("who", ["member", "leader", "outsider"])
def test_only_the_coordinator_or_the_vsm_changes_its_state(org, impediment, outsider, who):
    actor = outsider if who == "outsider" else org[who]
    before = state(impediment)

    with pytest.raises(PermissionDenied, match=services.NOT_OWNER):
        services.impediment_start(actor=actor, impediment_id=impediment.pk)
    with pytest.raises(PermissionDenied, match=services.NOT_OWNER):
        services.impediment_remove(actor=actor, impediment_id=impediment.pk, how="Mine now")

    assert state(impediment) == before


# --- escalation ---------------------------------------------------------------


def test_the_coordinator_escalates_to_the_vsm_with_a_reason_and_the_vsm_is_told(org, impediment):
    escalated = services.impediment_escalate(
        actor=org["coordinator"], impediment_id=impediment.pk, reason=f"  {REASON} ",
        now=at("2026-11-18 09:10"),
    )  # fmt: skip

    assert (
        escalated.escalated_to, escalated.escalated_by, escalated.escalated_at,
        escalated.escalation_reason, escalated.state,
    ) == (org["vsm"], org["coordinator"], at("2026-11-18 09:10"), REASON, "open")  # fmt: skip
    assert list(Notice.objects.values_list("recipient__username", "kind", "text", "url")) == [
        (
            "vsm",
            "escalation",
            f'North: {org["coordinator"].display_name} escalates "CRM export times out": {REASON}',
            reverse("standardwork:escalations"),
        )
    ]


def test_an_escalation_without_a_reason_is_refused_and_writes_nothing(org, impediment):
    before = state(impediment)

    with pytest.raises(ValidationError) as error:
        services.impediment_escalate(actor=org["coordinator"], impediment_id=impediment.pk,
                                     reason="  ")  # fmt: skip

    assert error.value.message_dict == {"reason": ["Say why the team cannot remove it."]}
    assert state(impediment) == before
    assert not Notice.objects.exists()


@pytest.mark.parametrize("who", ["member", "leader", "vsm", "outsider"])
def test_only_the_coordinator_escalates(org, impediment, outsider, who):
    actor = outsider if who == "outsider" else org[who]
    before = state(impediment)

    with pytest.raises(PermissionDenied, match=services.NOT_ESCALATOR):
        services.impediment_escalate(actor=actor, impediment_id=impediment.pk, reason=REASON)

    assert state(impediment) == before
    assert not Notice.objects.exists()


def test_a_team_serving_two_vsms_value_streams_picks_the_vsm(org, impediment):
    controls_vsm = UserFactory(username="controls-vsm")
    org["team"].value_streams.add(ValueStreamFactory(name="Controls", vsm=controls_vsm))

    with pytest.raises(ValidationError) as error:
        services.impediment_escalate(
            actor=org["coordinator"], impediment_id=impediment.pk, reason=REASON
        )
    assert error.value.message_dict == {"to": ["Choose the VSM to escalate to."]}
    with pytest.raises(ValidationError) as error:
        services.impediment_escalate(
            actor=org["coordinator"], impediment_id=impediment.pk, reason=REASON,
            to_id=org["member"].pk,
        )  # fmt: skip
    assert error.value.message_dict == {
        "to": ["Escalate to the VSM of a value stream the team serves."]
    }
    assert state(impediment)[3] is None

    services.impediment_escalate(
        actor=org["coordinator"], impediment_id=impediment.pk, reason=REASON,
        to_id=controls_vsm.pk,
    )  # fmt: skip

    assert state(impediment)[4] == controls_vsm.pk
    assert list(Notice.objects.values_list("recipient__username", flat=True)) == ["controls-vsm"]


def test_an_impediment_is_escalated_once(org, impediment):
    services.impediment_escalate(
        actor=org["coordinator"], impediment_id=impediment.pk, reason=REASON,
        now=at("2026-11-18 09:10"),
    )  # fmt: skip

    with pytest.raises(ValidationError, match="Already escalated to"):
        services.impediment_escalate(
            actor=org["coordinator"], impediment_id=impediment.pk, reason="Again"
        )

    assert state(impediment)[5] == REASON
    assert Notice.objects.count() == 1


def test_a_removed_impediment_is_not_escalated(org, impediment):
    services.impediment_remove(actor=org["coordinator"], impediment_id=impediment.pk, how="Done")

    with pytest.raises(ValidationError, match="A removed impediment needs no escalation."):
        services.impediment_escalate(
            actor=org["coordinator"], impediment_id=impediment.pk, reason=REASON
        )

    assert state(impediment)[3] is None


# --- the VSM's answer ---------------------------------------------------------


@pytest.fixture
def escalated(org, impediment):
    return services.impediment_escalate(
        actor=org["coordinator"], impediment_id=impediment.pk, reason=REASON
    )


def test_the_vsms_answer_goes_back_to_the_coordinator_and_who_raised_it(org, escalated):
    answered = services.impediment_answer(
        actor=org["vsm"], impediment_id=escalated.pk, answer=f" {ANSWER} ",
        now=at("2026-11-18 14:00"),
    )  # fmt: skip

    assert (answered.escalation_answer, answered.answered_by, answered.answered_at) == (
        ANSWER,
        org["vsm"],
        at("2026-11-18 14:00"),
    )
    text = f'{org["vsm"].display_name} answered the escalation of "CRM export times out": {ANSWER}'
    url = reverse("standardwork:impediment_detail", args=[escalated.pk])
    assert sorted(
        Notice.objects.filter(kind=Notice.Kind.ESCALATION_ANSWER).values_list(
            "recipient__username", "text", "url", "date"
        )
    ) == [
        ("coordinator", text, url, at("2026-11-18 14:00").date()),
        ("member", text, url, at("2026-11-18 14:00").date()),
    ]


def test_the_coordinator_who_raised_it_is_told_once(org):
    raised = services.impediment_raise(actor=org["coordinator"], team=org["team"], title="Slow VPN")
    services.impediment_escalate(actor=org["coordinator"], impediment_id=raised.pk, reason=REASON)

    services.impediment_answer(actor=org["vsm"], impediment_id=raised.pk, answer=ANSWER)

    assert list(
        Notice.objects.filter(kind=Notice.Kind.ESCALATION_ANSWER).values_list(
            "recipient__username", flat=True
        )
    ) == ["coordinator"]


def test_an_answer_needs_text_and_writes_nothing_without(org, escalated):
    before = state(escalated)

    with pytest.raises(ValidationError) as error:
        services.impediment_answer(actor=org["vsm"], impediment_id=escalated.pk, answer="  ")

    assert error.value.message_dict == {"answer": ["Write your answer for the team."]}
    assert state(escalated) == before
    assert not Notice.objects.filter(kind=Notice.Kind.ESCALATION_ANSWER).exists()


@pytest.mark.parametrize("who", ["coordinator", "leader", "member", "other_vsm"])
def test_only_the_vsm_it_was_escalated_to_answers(org, escalated, who):
    actor = org.get(who)
    if who == "other_vsm":
        actor = ValueStreamFactory(name="Controls", vsm=UserFactory(username="other-vsm")).vsm
    before = state(escalated)

    with pytest.raises(PermissionDenied, match=services.NOT_ANSWERER):
        services.impediment_answer(actor=actor, impediment_id=escalated.pk, answer=ANSWER)

    assert state(escalated) == before
    assert not Notice.objects.filter(kind=Notice.Kind.ESCALATION_ANSWER).exists()


def test_an_impediment_not_escalated_has_nothing_to_answer(org, impediment):
    with pytest.raises(PermissionDenied):
        services.impediment_answer(actor=org["vsm"], impediment_id=impediment.pk, answer=ANSWER)

    assert state(impediment)[6] == ""


def test_an_escalation_is_answered_once(org, escalated):
    services.impediment_answer(actor=org["vsm"], impediment_id=escalated.pk, answer=ANSWER)

    with pytest.raises(ValidationError, match="already answered"):
        services.impediment_answer(actor=org["vsm"], impediment_id=escalated.pk, answer="Later")

    assert state(escalated)[6] == ANSWER
    assert Notice.objects.filter(kind=Notice.Kind.ESCALATION_ANSWER).count() == 2
