"""Editing standard work makes a new version; only the right people may."""

import pytest
from django.urls import reverse

from roles.models import Layer
from standardwork.models import StandardWorkTemplate, TemplateVersion
from standardwork.services import templates as template_services
from standardwork.services.templates import ItemSpec
from tests.standardwork.conftest import at

pytestmark = pytest.mark.django_db


def formset_data(items: list[dict], note: str = "") -> dict:
    data = {
        "form-TOTAL_FORMS": str(len(items)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "1",
        "form-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(items):
        for key, value in item.items():
            data[f"form-{index}-{key}"] = value
    if note:
        data["note"] = note
    return data


DAILY = {
    "title": "Check call-list progress",
    "cadence": "daily",
    "expected_minutes": "10",
    "kind": "do",
}


@pytest.fixture
def team_template(org):
    return template_services.template_create(
        actor=org["coordinator"], name="North TL", layer=Layer.TL, team=org["team"],
        items=[ItemSpec("Head the stand-up", expected_minutes=15)],
    )  # fmt: skip


def test_coordinator_revises_their_teams_standard_work(client, org, team_template):
    client.force_login(org["coordinator"])

    response = client.post(
        reverse("standardwork:template_edit", args=[team_template.pk]),
        formset_data(
            [{"title": "Head the stand-up", "cadence": "daily", "expected_minutes": "15",
              "kind": "attend"}, DAILY],
            note="Add the call-list check after the stand-up",
        ),
    )  # fmt: skip

    assert response.status_code == 302
    latest = team_template.versions.order_by("-number").first()
    assert (latest.number, latest.note, latest.created_by) == (
        2, "Add the call-list check after the stand-up", org["coordinator"],
    )  # fmt: skip
    assert list(latest.items.values_list("title", "kind")) == [
        ("Head the stand-up", "attend"), ("Check call-list progress", "do"),
    ]  # fmt: skip
    assert list(team_template.versions.get(number=1).items.values_list("title", flat=True)) == [
        "Head the stand-up"
    ]


def test_a_revision_needs_a_note_and_a_weekly_item_its_weekday(client, org, team_template):
    client.force_login(org["coordinator"])

    response = client.post(
        reverse("standardwork:template_edit", args=[team_template.pk]),
        formset_data([{**DAILY, "cadence": "weekly"}]),
    )

    assert response.status_code == 200
    assert response.context["head_form"].errors == {"note": ["This field is required."]}
    assert response.context["formset"].errors[0] == {
        "weekday": ["A weekly item needs its weekday."]
    }
    assert TemplateVersion.objects.filter(template=team_template).count() == 1


def test_a_leader_cannot_edit_the_teams_standard_work(client, org, team_template):
    client.force_login(org["leader"])

    response = client.post(
        reverse("standardwork:template_edit", args=[team_template.pk]),
        formset_data([DAILY], note="Mine now"),
    )

    assert response.status_code == 403
    assert TemplateVersion.objects.filter(template=team_template).count() == 1


def test_vsm_creates_a_template_for_their_value_stream(client, org):
    client.force_login(org["vsm"])

    response = client.post(
        reverse("standardwork:template_create"),
        {"name": "Pumps TC weekly", "layer": "tc", "scope": f"vs:{org['pumps'].pk}",
         **formset_data([{**DAILY, "cadence": "weekly", "weekday": "2"}])},
    )  # fmt: skip

    assert response.status_code == 302
    template = StandardWorkTemplate.objects.get(name="Pumps TC weekly")
    assert (template.layer, template.value_stream, template.team) == ("tc", org["pumps"], None)
    assert list(template.versions.get().items.values_list("cadence", "weekday")) == [("weekly", 2)]


def test_a_member_may_not_create_templates(client, org):
    client.force_login(org["member"])

    response = client.post(
        reverse("standardwork:template_create"),
        {"name": "Sneaky", "layer": "tl", "scope": "all", **formset_data([DAILY])},
    )

    assert response.status_code == 403
    assert StandardWorkTemplate.objects.count() == 0


def test_template_pages_show_every_version(client, org, team_template):
    template_services.template_version_create(
        actor=org["coordinator"], template_id=team_template.pk,
        items=[ItemSpec("Head the stand-up"), ItemSpec("Coach a caller")], note="PDCA result",
        now=at("2026-11-17 09:00"),
    )  # fmt: skip
    client.force_login(org["leader"])

    listing = client.get(reverse("standardwork:template_list"))
    detail = client.get(reverse("standardwork:template_detail", args=[team_template.pk]))

    assert [t.name for t in listing.context["templates"]] == ["North TL"]
    assert [v.number for v in detail.context["template"].versions.all()] == [2, 1]
    assert detail.context["can_edit"] is False
    assert b"PDCA result" in detail.content
    assert b"In effect from 17 Nov 2026" in detail.content
