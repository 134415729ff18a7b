"""Recording leave from the app."""

from datetime import date

import pytest
from django.urls import reverse

from standardwork.models import Absence, Check, Checklist
from tests.standardwork.conftest import at

pytestmark = pytest.mark.django_db


def test_a_leader_records_leave_for_a_member_of_their_team(client, org):
    client.force_login(org["leader"])

    response = client.post(
        reverse("standardwork:absence_list"),
        {"person": org["member"].pk, "start_date": "2026-12-21", "end_date": "2026-12-24",
         "reason": "leave"},
    )  # fmt: skip

    assert response.status_code == 302
    absence = Absence.objects.get()
    assert (absence.person, absence.start_date, absence.end_date, absence.created_by) == (
        org["member"], date(2026, 12, 21), date(2026, 12, 24), org["leader"],
    )  # fmt: skip


def test_leave_that_ends_before_it_starts_is_refused(client, org):
    client.force_login(org["leader"])

    response = client.post(
        reverse("standardwork:absence_list"),
        {"person": org["leader"].pk, "start_date": "2026-12-24", "end_date": "2026-12-21",
         "reason": "leave"},
    )  # fmt: skip

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "end_date": ["The last day of leave cannot be before the first."]
    }
    assert Absence.objects.count() == 0


def test_a_member_cannot_record_leave_for_their_leader(client, org):
    client.force_login(org["member"])

    response = client.post(
        reverse("standardwork:absence_list"),
        {"person": org["leader"].pk, "start_date": "2026-12-21", "end_date": "2026-12-21",
         "reason": "leave"},
    )  # fmt: skip

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["person"]
    assert Absence.objects.count() == 0


def test_leave_recorded_late_removes_the_untouched_checklist_of_those_days(org, tl_template):
    from standardwork.services import absences as absence_services
    from standardwork.services import checklists as checklist_services

    checklist_services.checklists_issue_due(now=at("2026-11-17 07:00"))
    checklist_services.checklists_issue_due(now=at("2026-11-18 07:00"))
    wednesday_check = Check.objects.get(
        checklist__owner=org["leader"], checklist__date=date(2026, 11, 18), position=0
    )
    checklist_services.check_tick(
        actor=org["leader"], check_id=wednesday_check.pk, now=at("2026-11-18 09:00")
    )

    absence_services.absence_record(
        actor=org["leader"], person=org["leader"],
        start_date=date(2026, 11, 17), end_date=date(2026, 11, 18),
    )  # fmt: skip

    # The untouched Tuesday goes; Wednesday keeps what was done on it.
    assert list(Checklist.objects.filter(owner=org["leader"]).values_list("date", flat=True)) == [
        date(2026, 11, 18)
    ]


def test_leave_keeps_a_checklist_whose_item_was_ticked_and_undone_with_its_history(
    org, tl_template
):
    from standardwork.models import CheckEvent
    from standardwork.services import absences as absence_services
    from standardwork.services import checklists as checklist_services

    checklist_services.checklists_issue_due(now=at("2026-11-18 07:00"))
    check = Check.objects.get(
        checklist__owner=org["leader"], checklist__date=date(2026, 11, 18), position=0
    )
    checklist_services.check_tick(
        actor=org["leader"], check_id=check.pk, now=at("2026-11-18 09:00")
    )
    checklist_services.check_undo(
        actor=org["leader"], check_id=check.pk, now=at("2026-11-18 09:05")
    )

    absence_services.absence_record(
        actor=org["leader"], person=org["leader"],
        start_date=date(2026, 11, 18), end_date=date(2026, 11, 18),
    )  # fmt: skip

    # Every item is open again, but the day was touched: its history is never deleted.
    assert Checklist.objects.filter(owner=org["leader"], date=date(2026, 11, 18)).exists()
    assert list(CheckEvent.objects.filter(check_item=check).values_list("kind", "at")) == [
        ("tick", at("2026-11-18 09:00")),
        ("undo", at("2026-11-18 09:05")),
    ]
