"""The standard-work admin: every page opens for a superuser; versions are added
through the service; checklists, checks and their history cannot be changed."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roles.models import Layer, Membership
from standardwork.defaults import LAYER_TARGETS
from standardwork.models import (
    Absence,
    Action,
    AdherenceWeek,
    Check,
    CheckEvent,
    Checklist,
    ControlPoint,
    ControlPointBaseline,
    Cycle,
    CycleEvent,
    Impediment,
    LayerTarget,
    Measurement,
    MeasurementChange,
    MissReason,
    Notice,
    StandardWorkTemplate,
    Standup,
    StandupAttendance,
    SummarisedWeek,
    TemplateItem,
    TemplateVersion,
)
from standardwork.selectors.adherence import layer_targets
from standardwork.services import absences as absence_services
from standardwork.services import adherence as adherence_services
from standardwork.services import checklists as checklist_services
from standardwork.services import templates as template_services
from standardwork.services import verification as verification_services
from standardwork.services.templates import ItemSpec
from tests.roles.factories import MembershipFactory, TeamFactory, UserFactory, ValueStreamFactory

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, mid-morning in London.
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def root():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def superuser_client(client, root):
    client.force_login(root)
    return client


@pytest.fixture
def day(root):
    """A team leader's Monday: one item ticked, one missed and asked a countermeasure for."""
    vsm = UserFactory(username="vsm")
    coordinator = UserFactory(username="coordinator", first_name="Sofia", last_name="Marchetti")
    team = TeamFactory(
        name="Pumps Prospecting",
        coordinator=coordinator,
        value_streams=[ValueStreamFactory(name="Industrial Pumps", vsm=vsm)],
    )
    leader = MembershipFactory(
        team=team,
        user=UserFactory(username="leader", first_name="James", last_name="Whitaker"),
        role=Membership.Role.LEADER,
    ).user
    template = template_services.template_create(
        actor=root,
        name="Team Leader daily standard work",
        layer=Layer.TL,
        items=[
            ItemSpec("Head the daily stand-up", expected_minutes=15, kind="attend"),
            ItemSpec("Check call-list progress", expected_minutes=10),
        ],
    )
    checklist = checklist_services.checklist_issue_today(user=leader, now=MONDAY)
    ticked, missed = checklist.checks.order_by("position")
    checklist_services.check_tick(actor=leader, check_id=ticked.pk, now=MONDAY)
    checklist_services.check_mark_missed(
        actor=leader,
        check_id=missed.pk,
        reason=MissReason.objects.get(label="System or tool not working"),
        note="CRM was down until 11:00.",
        now=MONDAY,
    )
    verification_services.check_request_countermeasure(
        actor=coordinator, check_id=missed.pk, comment="What will you try next time?"
    )
    absence = absence_services.absence_record(
        actor=leader, person=leader, start_date=date(2026, 3, 9), end_date=date(2026, 3, 10)
    )
    standup = Standup.objects.create(team=team, date=MONDAY.date(), starts_at=MONDAY)
    StandupAttendance.objects.create(standup=standup, person=leader, present=True)
    cycle = Cycle.objects.create(team=team, title="Shorter stand-ups", created_by=leader)
    control_point = ControlPoint.objects.create(team=team, name="Calls per day", unit="calls")
    measurement = Measurement.objects.create(
        control_point=control_point, value=42, measured_on=MONDAY.date(), entered_by=leader
    )
    adherence_services.adherence_week_summarise(week_start=MONDAY.date(), now=MONDAY)
    return {
        "leader": leader,
        "template": template,
        "standup": standup,
        "standupattendance": standup.attendance.get(),
        "impediment": Impediment.objects.create(
            team=team, title="Dialler drops calls", raised_by=leader
        ),
        "action": Action.objects.create(
            team=team, title="Ask IT about the dialler", owner=leader, due_date=MONDAY.date()
        ),
        "cycle": cycle,
        "cycleevent": CycleEvent.objects.create(
            cycle=cycle, actor=leader, from_phase="plan", to_phase="do"
        ),
        "controlpoint": control_point,
        "measurement": measurement,
        "controlpointbaseline": ControlPointBaseline.objects.create(
            control_point=control_point,
            starts_on=MONDAY.date(),
            reason="New script",
            created_by=leader,
        ),
        "measurementchange": MeasurementChange.objects.create(
            measurement=measurement,
            kind="correct",
            old_value=41,
            new_value=42,
            reason="Typo",
            changed_by=leader,
        ),
        "version": template.versions.get(),
        "item": TemplateItem.objects.filter(version__template=template).first(),
        "checklist": checklist,
        "check": missed,
        "event": CheckEvent.objects.filter(check_item=missed).first(),
        "absence": absence,
        "notice": Notice.objects.get(),
        "adherenceweek": AdherenceWeek.objects.get(),
        "summarisedweek": SummarisedWeek.objects.get(),
    }


def admin_object(day, model_name: str):
    return {
        "standardworktemplate": lambda: day["template"],
        "templateversion": lambda: day["version"],
        "templateitem": lambda: day["item"],
        "layertarget": lambda: LayerTarget.objects.get(layer=Layer.TL),
        "absence": lambda: day["absence"],
        "missreason": lambda: MissReason.objects.first(),
        "checklist": lambda: day["checklist"],
        "check": lambda: day["check"],
        "checkevent": lambda: day["event"],
        "notice": lambda: day["notice"],
    }.get(model_name, lambda: day[model_name])()


# (model, whether the admin adds it); the others are written by services alone.
ADMIN_PAGES = [
    ("standardworktemplate", True),
    ("templateversion", True),
    ("templateitem", False),
    ("layertarget", True),
    ("absence", True),
    ("missreason", True),
    ("checklist", False),
    ("check", False),
    ("checkevent", False),
    ("notice", True),
    ("standup", False),
    ("standupattendance", False),
    ("impediment", False),
    ("action", False),
    ("cycle", False),
    ("cycleevent", False),
    ("controlpoint", False),
    ("measurement", False),
    ("controlpointbaseline", False),
    ("measurementchange", False),
    ("adherenceweek", False),
    ("summarisedweek", False),
]


def test_every_standardwork_model_has_an_admin():
    from django.apps import apps
    from django.contrib import admin

    models = set(apps.get_app_config("standardwork").get_models())

    assert {model for model in models if admin.site.is_registered(model)} == models
    assert {model._meta.model_name for model in models} == {name for name, _ in ADMIN_PAGES}


@pytest.mark.parametrize(("model_name", "addable"), ADMIN_PAGES)
def test_changelist_add_and_change_pages_open(superuser_client, day, model_name, addable):
    obj = admin_object(day, model_name)

    changelist = superuser_client.get(reverse(f"admin:standardwork_{model_name}_changelist"))
    add = superuser_client.get(reverse(f"admin:standardwork_{model_name}_add"))
    change = superuser_client.get(reverse(f"admin:standardwork_{model_name}_change", args=[obj.pk]))

    assert changelist.status_code == 200
    assert len(changelist.context["cl"].result_list) >= 1
    assert add.status_code == (200 if addable else 403)
    assert change.status_code == 200


@pytest.mark.parametrize(
    ("model_name", "term", "expected"),
    [
        ("checklist", "Whitaker", 1),
        ("check", "CRM was down", 1),
        ("checkevent", "What will you try", 1),
        ("standardworktemplate", "Team Leader", 1),
        ("absence", "leader", 1),
        ("notice", "Marchetti", 1),
        ("missreason", "tool", 1),
        ("checkevent", "nobody wrote this", 0),
    ],
)
def test_changelist_search_finds_the_row(superuser_client, day, model_name, term, expected):
    response = superuser_client.get(
        reverse(f"admin:standardwork_{model_name}_changelist"), {"q": term}
    )

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == expected


def test_check_events_cannot_be_added_changed_or_deleted(superuser_client, day):
    event = day["event"]
    before = list(CheckEvent.objects.order_by("pk").values())
    change_url = reverse("admin:standardwork_checkevent_change", args=[event.pk])
    delete_url = reverse("admin:standardwork_checkevent_delete", args=[event.pk])

    add = superuser_client.post(
        reverse("admin:standardwork_checkevent_add"),
        {"check_item": day["check"].pk, "kind": "tick", "text": "forged"},
    )
    change = superuser_client.post(change_url, {"kind": "tick", "text": "rewritten"})
    delete_page = superuser_client.get(delete_url)
    delete = superuser_client.post(delete_url, {"post": "yes"})
    bulk_delete = superuser_client.post(
        reverse("admin:standardwork_checkevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )

    assert add.status_code == 403
    assert change.status_code == 403
    assert delete_page.status_code == 403
    assert delete.status_code == 403
    assert bulk_delete.status_code == 200  # the action is not offered: nothing happens
    assert list(CheckEvent.objects.order_by("pk").values()) == before


@pytest.mark.parametrize("model_name", ["checklist", "check"])
def test_checklists_and_checks_cannot_be_changed_or_deleted(superuser_client, day, model_name):
    obj = admin_object(day, model_name)
    before = (Checklist.objects.count(), list(Check.objects.order_by("pk").values()))

    change = superuser_client.post(
        reverse(f"admin:standardwork_{model_name}_change", args=[obj.pk]), {"status": "done"}
    )
    delete = superuser_client.post(
        reverse(f"admin:standardwork_{model_name}_delete", args=[obj.pk]), {"post": "yes"}
    )

    assert change.status_code == 403
    assert delete.status_code == 403
    assert (Checklist.objects.count(), list(Check.objects.order_by("pk").values())) == before


def test_change_page_of_a_checklist_shows_its_checks_and_reasons(superuser_client, day):
    response = superuser_client.get(
        reverse("admin:standardwork_checklist_change", args=[day["checklist"].pk])
    )

    content = response.content.decode()
    assert "Head the daily stand-up" in content
    assert "System or tool not working" in content
    assert "CRM was down until 11:00." in content


def test_adding_a_version_in_the_admin_writes_the_next_version_through_the_service(
    superuser_client, day, root
):
    template = day["template"]
    data = {
        "template": str(template.pk),
        "note": "Stand-up moved before the calls",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-title": "Head the daily stand-up",
        "items-0-cadence": "daily",
        "items-0-expected_minutes": "10",
        "items-0-kind": "attend",
        "items-1-title": "Add new call scripts to the follow-up campaign",
        "items-1-cadence": "weekly",
        "items-1-weekday": "2",
        "items-1-expected_minutes": "30",
        "items-1-kind": "do",
    }

    response = superuser_client.post(reverse("admin:standardwork_templateversion_add"), data)

    assert response.status_code == 302
    version = template.versions.get(number=2)
    assert version.created_by == root
    assert version.note == "Stand-up moved before the calls"
    assert list(version.items.values_list("position", "title", "cadence", "weekday")) == [
        (0, "Head the daily stand-up", "daily", None),
        (1, "Add new call scripts to the follow-up campaign", "weekly", 2),
    ]
    # The checklist already issued keeps the version it was issued from.
    assert set(day["checklist"].checks.values_list("item__version__number", flat=True)) == {1}


def test_a_version_without_items_is_refused_and_nothing_is_written(superuser_client, day):
    data = {
        "template": str(day["template"].pk),
        "note": "empty",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "1000",
    }

    response = superuser_client.post(reverse("admin:standardwork_templateversion_add"), data)

    assert response.status_code == 200
    assert TemplateVersion.objects.count() == 1
    assert TemplateItem.objects.count() == 2


def test_a_weekly_item_without_its_weekday_is_refused(superuser_client, day):
    data = {
        "template": str(day["template"].pk),
        "note": "weekly",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-title": "Weekly thing",
        "items-0-cadence": "weekly",
        "items-0-expected_minutes": "10",
        "items-0-kind": "do",
    }

    response = superuser_client.post(reverse("admin:standardwork_templateversion_add"), data)

    assert response.status_code == 200
    assert "A weekly item needs its weekday." in response.content.decode()
    assert TemplateVersion.objects.count() == 1


def test_versions_cannot_be_changed(superuser_client, day):
    version = day["version"]

    response = superuser_client.post(
        reverse("admin:standardwork_templateversion_change", args=[version.pk]),
        {"template": str(version.template_id), "note": "rewritten"},
    )

    assert response.status_code == 403
    assert TemplateVersion.objects.get(pk=version.pk).note == "First version"


def test_template_page_links_to_its_items_and_to_a_new_version(superuser_client, day):
    template = day["template"]

    response = superuser_client.get(
        reverse("admin:standardwork_standardworktemplate_change", args=[template.pk])
    )
    items = superuser_client.get(
        reverse("admin:standardwork_templateitem_changelist"),
        {"version__template__id__exact": template.pk},
    )

    content = response.content.decode()
    assert f"?template={template.pk}" in content
    assert "v1" in content
    assert items.status_code == 200
    assert len(items.context["cl"].result_list) == 2


def test_absence_added_in_the_admin_removes_the_untouched_checklist_of_that_day(
    superuser_client, day, root
):
    leader = day["leader"]
    tuesday = checklist_services.checklist_issue_today(
        user=leader, now=datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    )

    response = superuser_client.post(
        reverse("admin:standardwork_absence_add"),
        {
            "person": str(leader.pk),
            "start_date": "2026-03-03",
            "end_date": "2026-03-03",
            "reason": "sick",
        },
    )

    assert response.status_code == 302
    absence = Absence.objects.get(start_date=date(2026, 3, 3))
    assert absence.created_by == root
    assert absence.reason == Absence.Reason.SICK
    assert not Checklist.objects.filter(pk=tuesday.pk).exists()
    assert Checklist.objects.filter(pk=day["checklist"].pk).exists()


def test_layer_target_is_edited_in_the_admin(superuser_client, day):
    target = LayerTarget.objects.get(layer=Layer.TL)

    response = superuser_client.post(
        reverse("admin:standardwork_layertarget_change", args=[target.pk]),
        {"layer": "tl", "target_percent": "70", "working_minutes_per_day": "450"},
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.target_percent, target.working_minutes_per_day) == (70, 450)


def test_a_layer_target_edited_in_the_admin_reaches_the_reports_that_kept_the_old_one(
    superuser_client, day, real_cache
):
    target = LayerTarget.objects.get(layer=Layer.TL)
    assert layer_targets()[Layer.TL] == (target.target_percent, 480)
    with CaptureQueriesContext(connection) as kept:
        assert layer_targets()[Layer.TL] == (target.target_percent, 480)
    assert len(kept) == 0

    superuser_client.post(
        reverse("admin:standardwork_layertarget_change", args=[target.pk]),
        {"layer": "tl", "target_percent": "70", "working_minutes_per_day": "450"},
    )

    assert layer_targets()[Layer.TL] == (70, 450)


def test_a_layer_target_deleted_in_the_admin_leaves_the_reports_too(
    superuser_client, day, real_cache
):
    target = LayerTarget.objects.get(layer=Layer.MEMBER)
    assert Layer.MEMBER in layer_targets()

    superuser_client.post(
        reverse("admin:standardwork_layertarget_delete", args=[target.pk]), {"post": "yes"}
    )

    assert Layer.MEMBER not in layer_targets()


def test_restoring_the_default_targets_reaches_the_reports_that_kept_none(real_cache):
    LayerTarget.objects.all().delete()
    assert layer_targets() == {}

    adherence_services.standard_defaults_ensure()

    assert layer_targets() == {layer: (percent, 480) for layer, percent in LAYER_TARGETS.items()}


@pytest.mark.parametrize("model_name", ["checklist", "check", "checkevent", "templateitem"])
def test_history_changelists_keep_a_fixed_number_of_queries(
    superuser_client, day, model_name, django_assert_max_num_queries
):
    leader = day["leader"]
    for hour in range(9, 17):
        checklist = checklist_services.checklist_issue_today(
            user=leader, now=datetime(2026, 3, 4 + hour - 9, hour, 0, tzinfo=UTC)
        )
        if checklist is not None:
            for check in checklist.checks.all():
                checklist_services.check_tick(
                    actor=leader,
                    check_id=check.pk,
                    now=datetime(2026, 3, 4 + hour - 9, hour, 0, tzinfo=UTC),
                )

    with django_assert_max_num_queries(12):
        response = superuser_client.get(reverse(f"admin:standardwork_{model_name}_changelist"))

    assert response.status_code == 200
    assert StandardWorkTemplate.objects.count() == 1
