"""The dashboard's trend from the weekly summaries the tick keeps (`AdherenceWeek`),
against the live count of the same checks (the suite's clock: Wednesday 25 November
2026, 10:00 in London; the last closed week began on Monday 16 November)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from standardwork.models import AdherenceWeek, Check, SummarisedWeek, TemplateItem
from standardwork.services.absences import absence_record
from standardwork.services.adherence import adherence_week_summarise, adherence_weeks_summarise
from standardwork.services.checklists import check_tick, checklist_issue_today
from standardwork.services.verification import (
    check_record_countermeasure,
    check_request_countermeasure,
)
from tests.standardwork.factories import CheckFactory, TemplateItemFactory
from tests.valuestream.reviews.conftest import at
from tests.valuestream.reviews.factories import ActionFactory, StandupFactory
from valuestream.selectors.dashboard import agenda_build, review_scope

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 23)
NOW = at("2026-11-25 10:00", "Europe/London")
LAST_CLOSED = date(2026, 11, 16)


def _checks(owner, day, *, done=0, missed=0, open_=0, item=None):
    for status, count in (
        (Check.Status.DONE, done),
        (Check.Status.MISSED, missed),
        (Check.Status.OPEN, open_),
    ):
        for _ in range(count):
            CheckFactory(
                checklist__owner=owner,
                checklist__date=day,
                status=status,
                **({"item": item} if item else {}),
            )


def _monthly_item():
    return TemplateItemFactory(cadence=TemplateItem.Cadence.MONTHLY, day_of_month=1)


@pytest.fixture
def history(org):
    """Four closed weeks: daily items done, missed and left open, and monthly items left
    open in a month still running (November) and in one that has ended (October)."""
    _checks(org.tl, LAST_CLOSED, done=2, missed=1, open_=1)  # the open one is missed now
    _checks(org.tl, LAST_CLOSED + timedelta(days=1), open_=1, item=_monthly_item())
    _checks(org.member, date(2026, 11, 9), done=1)
    _checks(org.member, date(2026, 11, 2), done=3)
    _checks(org.member, date(2026, 11, 3), open_=1, item=_monthly_item())
    _checks(org.member, date(2026, 10, 19), done=1)
    _checks(org.member, date(2026, 10, 20), open_=1, item=_monthly_item())  # October: missed
    _checks(org.tl, MONDAY, done=1)  # this week: always live
    return org


def _adherence(org):
    agenda = agenda_build(scope=review_scope(org.pumps), week_start=MONDAY, now=NOW)
    return agenda["adherence"]


def test_the_trend_from_the_summaries_equals_the_live_count(history):
    live = _adherence(history)

    assert adherence_weeks_summarise(now=NOW) == 12

    assert _adherence(history) == live
    by_layer = {row["layer"]: row["weeks"] for row in live["by_layer"]}
    assert by_layer["tl"] == [None] * 7 + [50, 100]  # 2 done of 4 settled; this week 1 of 1
    assert by_layer["member"] == [None] * 3 + [50, None, 100, 100, None, None]  # October's missed
    assert AdherenceWeek.objects.get(owner=history.tl, week_start=LAST_CLOSED).open_monthly == 1


def test_a_summarised_week_holds_raw_counts_settled_by_the_reader(history):
    adherence_weeks_summarise(now=NOW)

    rows = {
        (row.owner_id, row.week_start): (row.done, row.missed, row.open, row.open_monthly)
        for row in AdherenceWeek.objects.all()
    }
    assert rows == {
        (history.tl.pk, LAST_CLOSED): (2, 1, 1, 1),
        (history.member.pk, date(2026, 11, 9)): (1, 0, 0, 0),
        (history.member.pk, date(2026, 11, 2)): (3, 0, 0, 1),
        (history.member.pk, date(2026, 10, 19)): (1, 0, 0, 1),
    }


def test_recounting_a_week_gives_the_same_rows_and_a_second_tick_counts_nothing(history):
    adherence_weeks_summarise(now=NOW)
    before = list(AdherenceWeek.objects.order_by("pk").values())

    assert adherence_weeks_summarise(now=NOW) == 0
    adherence_week_summarise(week_start=LAST_CLOSED, now=NOW)

    assert list(AdherenceWeek.objects.order_by("pk").values()) == before
    assert SummarisedWeek.objects.filter(stale=True).count() == 0


def test_the_running_week_is_never_summarised(history):
    adherence_weeks_summarise(now=NOW)

    assert not SummarisedWeek.objects.filter(week_start=MONDAY).exists()
    assert max(SummarisedWeek.objects.values_list("week_start", flat=True)) == LAST_CLOSED


def test_a_monthly_item_ticked_later_in_its_month_shows_at_once_and_is_recounted(history):
    adherence_weeks_summarise(now=NOW)
    monthly = Check.objects.get(
        checklist__owner=history.tl, item__cadence=TemplateItem.Cadence.MONTHLY
    )

    check_tick(actor=history.tl, check_id=monthly.pk, now=NOW)

    # The week is stale from the tick's own transaction: the dashboard counts it live.
    assert SummarisedWeek.objects.get(week_start=LAST_CLOSED).stale is True
    tl_weeks = {row["layer"]: row["weeks"] for row in _adherence(history)["by_layer"]}["tl"]
    assert tl_weeks[-2] == 60  # 3 done of 5 settled
    assert adherence_weeks_summarise(now=NOW) == 1
    row = AdherenceWeek.objects.get(owner=history.tl, week_start=LAST_CLOSED)
    assert (row.done, row.missed, row.open, row.open_monthly) == (3, 1, 1, 0)
    assert {r["layer"]: r["weeks"] for r in _adherence(history)["by_layer"]}["tl"] == tl_weeks


def test_leave_recorded_after_the_fact_marks_its_closed_weeks_stale(history):
    adherence_weeks_summarise(now=NOW)

    absence_record(
        actor=history.tc,
        person=history.member,
        start_date=date(2026, 11, 9),
        end_date=date(2026, 11, 24),
    )

    stale = set(SummarisedWeek.objects.filter(stale=True).values_list("week_start", flat=True))
    assert stale == {date(2026, 11, 9), LAST_CLOSED}


def test_a_checklist_issued_late_into_a_closed_week_marks_it_stale(history):
    adherence_weeks_summarise(now=NOW)

    # The page's own issuing, as after an outage, for a day of the last closed week.
    checklist_issue_today(user=history.member, now=at("2026-11-17 10:00"))

    stale = set(SummarisedWeek.objects.filter(stale=True).values_list("week_start", flat=True))
    assert stale == {LAST_CLOSED}


def test_ticking_todays_item_marks_no_week_stale(history):
    adherence_weeks_summarise(now=NOW)
    today = CheckFactory(checklist__owner=history.tl, checklist__date=date(2026, 11, 25))

    check_tick(actor=history.tl, check_id=today.pk, now=NOW)

    assert SummarisedWeek.objects.filter(stale=True).count() == 0


def _year_of_history(org):
    item = TemplateItemFactory()
    for weeks_back in range(1, 53):
        day = MONDAY - timedelta(weeks=weeks_back)
        for person in (org.tl, org.member):
            CheckFactory(
                checklist__owner=person, checklist__date=day, item=item, status=Check.Status.DONE
            )
        StandupFactory(team=org.north, date=day, started_at=timezone.now())
        ActionFactory(team=org.north, owner=org.tl, due_date=day, done_at=timezone.now())


def test_the_dashboard_reads_the_summaries_in_the_same_queries_over_a_year_of_history(
    history, client, django_assert_num_queries
):
    client.force_login(history.vsm)
    url = reverse("valuestream:dashboard")
    adherence_weeks_summarise(now=NOW)
    client.get(url)
    with django_assert_num_queries(QUERIES):
        assert client.get(url).status_code == 200

    _year_of_history(history)
    # The factories write no summary; the tick recounts the weeks as after any late write.
    SummarisedWeek.objects.update(stale=True)
    assert adherence_weeks_summarise(now=NOW) == 12

    with django_assert_num_queries(QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    (board,) = response.context["boards"]
    by_layer = {row["layer"]: row["weeks"] for row in board.agenda["adherence"]["by_layer"]}
    assert by_layer["member"] == [100, 100, 100, 67, 100, 100, 100, 100, None]


# The dashboard's queries when every week before this one is summarised.
QUERIES = 25


def _reds(org):
    agenda = agenda_build(scope=review_scope(org.pumps), week_start=MONDAY, now=NOW)
    return agenda["reds"]


def test_the_reds_come_from_the_summaries_and_a_countermeasure_recounts_its_week(history):
    live = _reds(history)
    assert live == {
        "count": 1,
        "people": [{"person_id": history.tl.pk, "name": "Tom Lead", "count": 1}],
    }

    adherence_weeks_summarise(now=NOW)

    assert AdherenceWeek.objects.get(owner=history.tl, week_start=LAST_CLOSED).reds == 1
    assert _reds(history) == live
    missed = Check.objects.get(checklist__owner=history.tl, status=Check.Status.MISSED)
    check_request_countermeasure(
        actor=history.tc, check_id=missed.pk, comment="Block the time.", now=NOW
    )
    check_record_countermeasure(
        actor=history.tl, check_id=missed.pk, countermeasure="Blocked 9:00.", now=NOW
    )

    assert SummarisedWeek.objects.get(week_start=LAST_CLOSED).stale
    assert _reds(history) == {"count": 0, "people": []}
    assert adherence_weeks_summarise(now=NOW) == 1
    assert AdherenceWeek.objects.get(owner=history.tl, week_start=LAST_CLOSED).reds == 0
    assert _reds(history) == {"count": 0, "people": []}
