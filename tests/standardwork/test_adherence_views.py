"""The adherence pages: who may see them, what they show, and their query counts."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from standardwork.models import Check, Checklist
from standardwork.selectors.checklists import person_today
from tests.standardwork.conftest import at

pytestmark = pytest.mark.django_db


def history(owner, items, days: int, end: date) -> None:
    """`days` working days of history ending at `end`: every other item done."""
    checklists = []
    day = end
    while len(checklists) < days:
        if day.isoweekday() <= 5:
            checklists.append(Checklist(owner=owner, date=day, time_zone="Europe/London"))
        day -= timedelta(days=1)
    Checklist.objects.bulk_create(checklists)
    checklists = Checklist.objects.filter(owner=owner)
    Check.objects.bulk_create(
        [
            Check(
                checklist=checklist,
                item=item,
                position=position,
                status="done" if position % 2 == 0 else "open",
                actual_minutes=item.expected_minutes if position % 2 == 0 else None,
                done_at=at(f"{checklist.date} 10:00") if position % 2 == 0 else None,
            )
            for checklist in checklists
            for position, item in enumerate(items)
        ]
    )


@pytest.fixture
def items(tl_template):
    return list(tl_template.versions.get().items.order_by("position")[:2])


def test_person_page_shows_the_week_by_day(client, org, items):
    history(org["leader"], items, days=3, end=date(2026, 11, 18))
    client.force_login(org["leader"])

    response = client.get(
        reverse("standardwork:person_adherence", args=[org["leader"].pk]), {"week": "2026-11-18"}
    )

    assert response.status_code == 200
    days = response.context["days"]
    assert [(day, tally.done, tally.missed) for day, tally in days] == [
        (date(2026, 11, 16), 1, 1),
        (date(2026, 11, 17), 1, 1),
        (date(2026, 11, 18), 1, 1),
    ]
    assert response.context["week"].completion_percent == 50
    assert response.context["row"].total.target_percent == 80


def test_a_bad_week_falls_back_to_this_week_with_a_message(client, org, items):
    client.force_login(org["leader"])

    response = client.get(
        reverse("standardwork:person_adherence", args=[org["leader"].pk]), {"week": "last"}
    )

    today = person_today(org["leader"])
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        f"“last” is not a date like {today.isoformat()}. Showing this week."
    ]
    assert response.context["nav"].week_start == today - timedelta(days=today.isoweekday() - 1)


@pytest.mark.parametrize("page", ["person", "team"])
@pytest.mark.parametrize("week", ["0001-01-01", "9999-12-31", "2026-W99", "²", "2026-13-01"])
def test_a_week_out_of_range_or_malformed_is_refused_with_a_message_not_a_500(
    client, org, page, week
):
    client.force_login(org["coordinator"])
    url = (
        reverse("standardwork:person_adherence", args=[org["leader"].pk])
        if page == "person"
        else reverse("standardwork:team_adherence", args=[org["team"].pk])
    )

    response = client.get(url, {"week": week})

    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"]]
    assert message.endswith(" Showing this week.")
    assert ("is out of range" in message) == (week in ("0001-01-01", "9999-12-31"))


def test_an_iso_week_number_names_its_monday(client, org):
    client.force_login(org["leader"])

    response = client.get(
        reverse("standardwork:person_adherence", args=[org["leader"].pk]), {"week": "2026-W47"}
    )

    assert response.context["nav"].week_start == date(2026, 11, 16)
    assert list(response.context["messages"]) == []


def test_results_say_that_open_items_are_left_out_and_what_the_target_is_compared_with(
    client, org, items
):
    history(org["leader"], items, days=3, end=date(2026, 11, 18))
    client.force_login(org["leader"])

    response = client.get(
        reverse("standardwork:person_adherence", args=[org["leader"].pk]), {"week": "2026-11-18"}
    )

    page = response.content.decode()
    week = response.context["week"]
    assert (week.done, week.missed, week.open) == (3, 3, 0)
    assert (
        'fallen due; open items are left out">50%</span>\n · 3 done of 6 due (3 missed)</dd>'
        in page
    )
    assert "% of working time, against a target of 80%" in page
    assert "Items still open in their day, week or month are left out" in page
    assert "Misses by reason, 28 Sep – 22 Nov 2026" in page


def test_open_items_of_the_current_week_are_named_as_not_counted_yet(client, org, items):
    today = person_today(org["leader"])
    checklist = Checklist.objects.create(owner=org["leader"], date=today, time_zone="Europe/London")
    Check.objects.bulk_create(
        Check(checklist=checklist, item=item, position=n) for n, item in enumerate(items)
    )
    client.force_login(org["leader"])

    response = client.get(reverse("standardwork:person_adherence", args=[org["leader"].pk]))

    assert "0 done of 0 due (0 missed); 2 still open, not counted yet" in response.content.decode()


def test_team_results_label_the_period_of_the_pareto(client, org):
    client.force_login(org["coordinator"])

    response = client.get(
        reverse("standardwork:team_adherence", args=[org["team"].pk]), {"week": "2026-11-18"}
    )

    assert "Misses by reason, 16 Nov – 22 Nov 2026" in response.content.decode()


def test_a_member_cannot_see_their_leaders_results(client, org):
    client.force_login(org["member"])

    response = client.get(reverse("standardwork:person_adherence", args=[org["leader"].pk]))

    assert response.status_code == 404


@pytest.mark.parametrize(("username", "status"), [
    ("leader", 200), ("coordinator", 200), ("vsm", 200), ("member", 403),
])  # fmt: skip
def test_team_results_are_for_its_leader_coordinator_and_vsm(client, org, username, status):
    client.force_login(org[username])

    response = client.get(reverse("standardwork:team_adherence", args=[org["team"].pk]))

    assert response.status_code == status


def test_team_results_of_another_value_stream_are_not_found(client, org):
    from tests.roles.factories import ValueStreamFactory

    client.force_login(ValueStreamFactory(name="Service").vsm)

    response = client.get(reverse("standardwork:team_adherence", args=[org["team"].pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("page", ["person", "team"])
def test_adherence_pages_keep_their_query_count_with_a_year_of_history(client, org, items, page):
    client.force_login(org["coordinator"])
    url = (
        reverse("standardwork:person_adherence", args=[org["leader"].pk])
        if page == "person"
        else reverse("standardwork:team_adherence", args=[org["team"].pk])
    )
    history(org["leader"], items, days=1, end=timezone.now().date())
    with CaptureQueriesContext(connection) as one_day:
        assert client.get(url).status_code == 200

    Checklist.objects.all().delete()
    history(org["leader"], items, days=260, end=timezone.now().date())
    history(org["member"], items, days=260, end=timezone.now().date())
    with CaptureQueriesContext(connection) as one_year:
        assert client.get(url).status_code == 200

    assert len(one_year) == len(one_day)
    assert len(one_year) <= 20
