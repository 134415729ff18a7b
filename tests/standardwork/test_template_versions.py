"""Template versions take effect on a day: a new or changed standard applies from the
first day not yet issued, "from today" also reaches today's unconfirmed checklists,
and a cycle's adoption is in effect from the day it names (issue 8 #7)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from roles.models import Layer
from standardwork.models import Check, Checklist, TemplateItem, TemplateVersion
from standardwork.services import checklists as checklist_services
from standardwork.services import templates as template_services
from standardwork.services import verification as verification_services
from standardwork.services.templates import ItemSpec
from tests.standardwork.conftest import at

pytestmark = pytest.mark.django_db

TUESDAY_MORNING = at("2026-11-17 09:00", "Europe/London")
COACHING = [
    ItemSpec("Head the daily stand-up", expected_minutes=15),
    ItemSpec("Coach one caller", expected_minutes=20),
]


def titles(checklist: Checklist) -> list[str]:
    return list(checklist.checks.order_by("position").values_list("item__title", flat=True))


@pytest.fixture
def team_template(org):
    """The North team's TL standard work, in effect since 2 November."""
    return template_services.template_create(
        actor=org["coordinator"],
        name="North TL daily",
        layer=Layer.TL,
        team=org["team"],
        items=[ItemSpec("Head the daily stand-up"), ItemSpec("Check call-list progress")],
        now=at("2026-11-02 08:00", "Europe/London"),
    )


def test_a_version_carries_the_day_it_took_effect(org, team_template):
    version = template_services.template_version_create(
        actor=org["coordinator"],
        template_id=team_template.pk,
        items=COACHING,
        note="Coaching replaces the call-list check",
        now=at("2026-11-17 23:30", "Europe/London"),
    )

    assert team_template.versions.get(number=1).effective_from == date(2026, 11, 2)
    assert version.effective_from == date(2026, 11, 17)  # the team's day, not UTC's


def test_a_new_version_applies_from_the_first_day_not_yet_issued(org, team_template):
    checklist_services.checklists_issue_due(now=at("2026-11-17 07:00", "Europe/London"))
    template_services.template_version_create(
        actor=org["coordinator"],
        template_id=team_template.pk,
        items=COACHING,
        note="Coaching replaces the call-list check",
        now=TUESDAY_MORNING,
    )
    checklist_services.checklists_issue_due(now=at("2026-11-18 07:00", "Europe/London"))

    tuesday = Checklist.objects.get(owner=org["leader"], date=date(2026, 11, 17))
    wednesday = Checklist.objects.get(owner=org["leader"], date=date(2026, 11, 18))
    assert titles(tuesday) == ["Head the daily stand-up", "Check call-list progress"]
    assert titles(wednesday) == ["Head the daily stand-up", "Coach one caller"]


def test_today_not_yet_issued_gets_the_version_made_this_morning(org, team_template):
    template_services.template_version_create(
        actor=org["coordinator"],
        template_id=team_template.pk,
        items=COACHING,
        note="Coaching replaces the call-list check",
        now=TUESDAY_MORNING,
    )

    checklist = checklist_services.checklist_issue_today(user=org["leader"], now=TUESDAY_MORNING)

    assert titles(checklist) == ["Head the daily stand-up", "Coach one caller"]


def test_a_day_issued_late_gets_the_version_in_effect_on_that_day(org, team_template):
    """The worker was down from Friday: Monday is issued on Wednesday, after Tuesday's revision."""
    checklist_services.checklists_issue_due(now=at("2026-11-13 07:00", "Europe/London"))
    template_services.template_version_create(
        actor=org["coordinator"],
        template_id=team_template.pk,
        items=COACHING,
        note="Coaching replaces the call-list check",
        now=TUESDAY_MORNING,
    )

    checklist_services.checklists_issue_due(now=at("2026-11-18 07:00", "Europe/London"))

    monday = Checklist.objects.get(owner=org["leader"], date=date(2026, 11, 16))
    wednesday = Checklist.objects.get(owner=org["leader"], date=date(2026, 11, 18))
    assert titles(monday) == ["Head the daily stand-up", "Check call-list progress"]
    assert titles(wednesday) == ["Head the daily stand-up", "Coach one caller"]


def test_from_today_adds_the_new_items_to_todays_unconfirmed_checklists(org, team_template):
    checklist = checklist_services.checklist_issue_today(user=org["leader"], now=TUESDAY_MORNING)
    ticked = checklist.checks.get(item__title="Head the daily stand-up")
    checklist_services.check_tick(actor=org["leader"], check_id=ticked.pk, now=TUESDAY_MORNING)

    template_services.template_version_create(
        actor=org["coordinator"],
        template_id=team_template.pk,
        items=COACHING,
        note="Coaching from today",
        from_today=True,
        now=TUESDAY_MORNING,
    )

    assert titles(checklist) == [
        "Head the daily stand-up",
        "Check call-list progress",
        "Coach one caller",
    ]
    assert Check.objects.get(pk=ticked.pk).status == Check.Status.DONE  # kept as it was
    new = checklist.checks.get(item__title="Coach one caller")
    assert (new.item.version.number, new.status) == (2, Check.Status.OPEN)


def test_from_today_fills_an_empty_checklist_that_recorded_nothing_was_due(org):
    empty = checklist_services.checklist_issue_today(user=org["leader"], now=TUESDAY_MORNING)
    assert titles(empty) == []
    template = template_services.template_create(
        actor=org["coordinator"],
        name="North TL daily",
        layer=Layer.TL,
        team=org["team"],
        items=[ItemSpec("Head the daily stand-up")],
        now=TUESDAY_MORNING,
    )

    template_services.template_version_create(
        actor=org["coordinator"],
        template_id=template.pk,
        items=COACHING,
        note="Coaching from today",
        from_today=True,
        now=TUESDAY_MORNING,
    )

    assert titles(empty) == ["Head the daily stand-up", "Coach one caller"]


def test_from_today_leaves_a_confirmed_checklist_as_it_was(org, team_template):
    checklist = checklist_services.checklist_issue_today(user=org["leader"], now=TUESDAY_MORNING)
    verification_services.checklist_confirm(actor=org["coordinator"], checklist_id=checklist.pk)

    template_services.template_version_create(
        actor=org["coordinator"],
        template_id=team_template.pk,
        items=COACHING,
        note="Coaching from today",
        from_today=True,
        now=TUESDAY_MORNING,
    )

    assert titles(checklist) == ["Head the daily stand-up", "Check call-list progress"]


def test_without_from_today_todays_issued_checklist_keeps_its_items(org, team_template):
    checklist = checklist_services.checklist_issue_today(user=org["leader"], now=TUESDAY_MORNING)

    template_services.template_version_create(
        actor=org["coordinator"],
        template_id=team_template.pk,
        items=COACHING,
        note="From tomorrow",
        now=TUESDAY_MORNING,
    )

    assert titles(checklist) == ["Head the daily stand-up", "Check call-list progress"]


def test_a_leader_may_not_change_the_standard_and_nothing_is_written(org, team_template):
    checklist = checklist_services.checklist_issue_today(user=org["leader"], now=TUESDAY_MORNING)

    with pytest.raises(PermissionDenied):
        template_services.template_version_create(
            actor=org["leader"],
            template_id=team_template.pk,
            items=COACHING,
            note="Mine",
            from_today=True,
            now=TUESDAY_MORNING,
        )

    assert TemplateVersion.objects.filter(template=team_template).count() == 1
    assert titles(checklist) == ["Head the daily stand-up", "Check call-list progress"]


def test_an_adopted_version_is_in_effect_from_the_day_the_cycle_names(org, team_template):
    """The history agrees with the story: version 1 before the adoption, version 2 after."""
    checklist_services.checklists_issue_due(now=at("2026-11-13 07:00", "Europe/London"))
    template_services.template_version_adopt(
        template_id=team_template.pk,
        items=COACHING,
        note="Adopted from PDCA cycle: coaching",
        cycle=None,
        actor=org["coordinator"],
        effective_from=date(2026, 11, 17),
    )

    checklist_services.checklists_issue_due(now=at("2026-11-18 07:00", "Europe/London"))

    by_day = {
        checklist.date: titles(checklist)
        for checklist in Checklist.objects.filter(owner=org["leader"])
    }
    assert by_day[date(2026, 11, 16)] == ["Head the daily stand-up", "Check call-list progress"]
    assert by_day[date(2026, 11, 17)] == ["Head the daily stand-up", "Coach one caller"]
    assert by_day[date(2026, 11, 18)] == ["Head the daily stand-up", "Coach one caller"]


def test_the_editor_chooses_from_today_on_the_page(client, org, team_template, fixed_clock):
    fixed_clock.move_to(TUESDAY_MORNING)
    checklist = checklist_services.checklist_issue_today(user=org["leader"])
    client.force_login(org["coordinator"])
    form = {
        "note": "Coaching from today",
        "from_today": "on",
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "1",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-title": "Head the daily stand-up",
        "form-0-cadence": TemplateItem.Cadence.DAILY,
        "form-0-expected_minutes": "15",
        "form-0-kind": TemplateItem.Kind.DO,
        "form-1-title": "Coach one caller",
        "form-1-cadence": TemplateItem.Cadence.DAILY,
        "form-1-expected_minutes": "20",
        "form-1-kind": TemplateItem.Kind.DO,
    }

    response = client.post(reverse("standardwork:template_edit", args=[team_template.pk]), form)

    assert response.status_code == 302
    version = team_template.versions.get(number=2)
    assert version.effective_from == date(2026, 11, 17)
    assert titles(checklist) == [
        "Head the daily stand-up",
        "Check call-list progress",
        "Coach one caller",
    ]
