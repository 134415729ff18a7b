"""Standard-work rules that depend on the shape of a team."""

import pytest

from roles.models import Membership, Team
from standardwork import policy
from standardwork.models import Impediment
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def department():
    """The Marketing Communication department: a lead and a member, no coordinator."""
    team = TeamFactory(name="MarCom", kind=Team.Kind.MARKETING_COMMUNICATION, coordinator=None)
    lead = MembershipFactory(team=team, role=Membership.Role.LEADER).user
    member = MembershipFactory(team=team).user
    impediment = Impediment.objects.create(team=team, title="Print shop closed", raised_by=member)
    return {"team": team, "lead": lead, "member": member, "impediment": impediment}


def test_a_department_without_a_coordinator_has_its_lead_own_its_impediments(department):
    impediment = department["impediment"]

    assert [
        (
            who,
            policy.can_change_impediment(department[who], impediment),
            policy.can_escalate_impediment(department[who], impediment),
        )
        for who in ("lead", "member")
    ] == [("lead", True, True), ("member", False, False)]


def test_a_team_with_a_coordinator_keeps_its_impediments_with_the_coordinator(department):
    coordinator = UserFactory(username="tc")
    Team.objects.filter(pk=department["team"].pk).update(coordinator=coordinator)
    impediment = Impediment.objects.select_related("team").get(pk=department["impediment"].pk)

    assert policy.can_change_impediment(coordinator, impediment) is True
    assert policy.can_change_impediment(department["lead"], impediment) is False
