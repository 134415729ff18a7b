"""Adherence: completion, minutes against the layer's target, misses by reason."""

from datetime import date

import pytest

from roles.models import Layer
from standardwork.models import Check, LayerTarget, MissReason
from standardwork.selectors.adherence import NO_REASON, adherence_report, team_people
from standardwork.services import checklists as checklist_services
from tests.standardwork.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(org, tl_template):
    """Leader's Monday-Wednesday: Mon all done, Tue one missed one open, Wed still today."""
    leader = org["leader"]
    for day in ("2026-11-16", "2026-11-17", "2026-11-18"):
        checklist_services.checklists_issue_due(now=at(f"{day} 07:00"))
    checks = {
        (check.checklist.date.day, check.item.title): check
        for check in Check.objects.filter(checklist__owner=leader).select_related(
            "checklist", "item"
        )
    }
    for title in ("Head the daily stand-up", "Check call-list progress"):
        checklist_services.check_tick(
            actor=leader, check_id=checks[(16, title)].pk, now=at("2026-11-16 10:00")
        )
    checklist_services.check_tick(
        actor=leader,
        check_id=checks[(17, "Head the daily stand-up")].pk,
        now=at("2026-11-17 10:00"),
    )
    checklist_services.check_mark_missed(
        actor=leader,
        check_id=checks[(18, "Check call-list progress")].pk,
        reason=MissReason.objects.get(label="Forgot"),
        note="Busy day",
        now=at("2026-11-18 10:00"),
    )
    return checks


def test_person_adherence_counts_past_open_items_as_missed(org, week):
    report = adherence_report(
        people=[org["leader"]], start=date(2026, 11, 16), end=date(2026, 11, 22),
        today=date(2026, 11, 18),
    )  # fmt: skip

    leader = report.people[0]
    assert leader.layer == Layer.TL
    assert [(day.day, t.done, t.missed, t.open) for day, t in leader.by_day.items()] == [
        (16, 2, 0, 0),
        (17, 1, 1, 0),  # the call-list check left open on Tuesday counts as missed
        (18, 0, 1, 2),  # today's stand-up and the weekly item are still open
    ]
    assert (leader.total.done, leader.total.missed, leader.total.open) == (3, 2, 2)
    assert leader.total.completion_percent == 60


def test_minutes_planned_and_actual_against_the_layer_target(org, week):
    report = adherence_report(
        people=[org["leader"]], start=date(2026, 11, 16), end=date(2026, 11, 22),
        today=date(2026, 11, 18),
    )  # fmt: skip

    total = report.people[0].total
    # Planned: 3 days x (15 + 10) + the weekly 30; actual: 15 + 10 + 15.
    assert (total.planned_minutes, total.actual_minutes) == (105, 40)
    assert total.working_minutes == 3 * 480
    assert (total.planned_share_percent, total.actual_share_percent) == (7, 3)
    assert total.target_percent == 80


def test_edited_layer_target_is_used(org, week):
    LayerTarget.objects.filter(layer=Layer.TL).update(target_percent=65)

    report = adherence_report(
        people=[org["leader"]], start=date(2026, 11, 16), end=date(2026, 11, 22),
        today=date(2026, 11, 18),
    )  # fmt: skip

    assert report.by_layer[Layer.TL].target_percent == 65


def test_misses_by_reason_as_a_pareto_list(org, week):
    report = adherence_report(
        people=[org["leader"]], start=date(2026, 11, 16), end=date(2026, 11, 22),
        today=date(2026, 11, 19),  # Thursday: Wednesday's stand-up is now missed too
    )  # fmt: skip

    assert [
        (row.reason, row.count, row.percent, row.cumulative_percent) for row in report.pareto
    ] == [
        (NO_REASON, 2, 67, 67),
        ("Forgot", 1, 33, 100),
    ]


def test_week_buckets_start_on_monday(org, week):
    report = adherence_report(
        people=[org["leader"]], start=date(2026, 11, 1), end=date(2026, 11, 30),
        today=date(2026, 11, 18),
    )  # fmt: skip

    assert list(report.people[0].by_week) == [date(2026, 11, 16)]


def test_team_report_has_a_row_per_person_and_totals_per_layer(org, week):
    people = team_people(org["team"])

    report = adherence_report(
        people=people, start=date(2026, 11, 16), end=date(2026, 11, 22), today=date(2026, 11, 18)
    )

    assert sorted(row.person.username for row in report.people) == [
        "coordinator", "leader", "member",
    ]  # fmt: skip
    assert list(report.by_layer) == [Layer.TC, Layer.TL, Layer.MEMBER]
    assert report.by_layer[Layer.TL].done == 3
    assert report.by_layer[Layer.TC].total == 0
    assert report.total.done == 3


def test_a_miss_later_done_counts_as_done_after_a_miss_and_keeps_its_reason(org, week):
    leader = org["leader"]
    missed = week[(18, "Check call-list progress")]
    checklist_services.check_undo(actor=leader, check_id=missed.pk, now=at("2026-11-18 11:00"))
    checklist_services.check_tick(actor=leader, check_id=missed.pk, now=at("2026-11-18 15:00"))

    report = adherence_report(
        people=[leader], start=date(2026, 11, 16), end=date(2026, 11, 22),
        today=date(2026, 11, 18),
    )  # fmt: skip

    wednesday = report.people[0].by_day[date(2026, 11, 18)]
    assert (wednesday.done, wednesday.missed, wednesday.done_after_miss) == (1, 0, 1)
    assert report.people[0].total.done_after_miss == 1
    # The reason it was missed for is still counted, beside Tuesday's unticked item.
    assert [(row.reason, row.count) for row in report.pareto] == [
        ("Forgot", 1),
        (NO_REASON, 1),
    ]
