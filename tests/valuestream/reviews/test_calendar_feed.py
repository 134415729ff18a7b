"""The private calendar feed and the CSV export."""

import csv
import io
from datetime import date

import icalendar
import pytest
from django.urls import reverse

from standardwork.models import Check
from tests.standardwork.factories import CheckFactory
from valuestream.exports import cell as csv_cell
from valuestream.models import CalendarFeed

pytestmark = pytest.mark.django_db


def _feed_url(feed):
    return reverse("valuestream:calendar_feed", args=[feed.token])


def test_the_feed_needs_no_login_and_parses_with_local_times(org, client):
    client.force_login(org.tl)
    client.post(reverse("valuestream:calendar_feed_reset"))
    feed = CalendarFeed.objects.get(owner=org.tl)
    client.logout()

    response = client.get(_feed_url(feed))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    standup = events["Stand-up: North"]
    start = standup.decoded("DTSTART")
    assert (start.strftime("%H:%M"), str(start.tzinfo)) == ("09:00", "Europe/London")
    assert standup["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    reviews = [event for event in calendar.walk("VEVENT") if "Weekly review" in event["SUMMARY"]]
    assert len(reviews) == 13  # four weeks back, this week, eight ahead
    this_week = next(
        event for event in reviews if str(event["UID"]).endswith(f"{org.pumps.pk}-2026-W48@leanops")
    )
    assert this_week.decoded("DTSTART").strftime("%Y-%m-%d %H:%M %Z") == "2026-11-27 14:00 GMT"
    december = [
        event.decoded("DTSTART") for event in reviews if event.decoded("DTSTART").month == 12
    ]
    assert {start.strftime("%H:%M") for start in december} == {"14:00"}


def test_a_member_gets_their_teams_standups_and_no_review(org, client):
    client.force_login(org.member)
    client.post(reverse("valuestream:calendar_feed_reset"))
    feed = CalendarFeed.objects.get(owner=org.member)

    calendar = icalendar.Calendar.from_ical(client.get(_feed_url(feed)).content)

    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == ["Stand-up: North"]


def test_a_reset_token_stops_the_old_address(org, client):
    client.force_login(org.tl)
    client.post(reverse("valuestream:calendar_feed_reset"))
    old = CalendarFeed.objects.get(owner=org.tl).token

    client.post(reverse("valuestream:calendar_feed_reset"))

    new = CalendarFeed.objects.get(owner=org.tl).token
    assert new != old
    assert client.get(reverse("valuestream:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("valuestream:calendar_feed", args=[new])).status_code == 200


@pytest.mark.parametrize("token", ["nope", "a" * 500, "%00"])
def test_an_unknown_token_is_not_found(db, client, token):
    assert client.get(f"/value-stream/calendar/{token}.ics").status_code == 404


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM", "'@SUM"),
        ("Tom Lead", "Tom Lead"),
        (3, "3"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(value, cell):
    assert csv_cell(value) == cell


def test_the_csv_lists_adherence_per_person_and_day_for_the_weeks_shown(org, client):
    org.tl.first_name = "=cmd"
    org.tl.save()
    CheckFactory(
        checklist__owner=org.tl, checklist__date=date(2026, 11, 23), status=Check.Status.DONE
    )
    CheckFactory(
        checklist__owner=org.tl, checklist__date=date(2026, 9, 1), status=Check.Status.DONE
    )
    client.force_login(org.vsm)

    response = client.get(
        reverse("valuestream:adherence_csv", args=[org.pumps.pk]), {"week": "2026-W48"}
    )

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [
        [
            "date",
            "person",
            "layer",
            "teams",
            "done",
            "missed",
            "open",
            "planned minutes",
            "actual minutes",
        ],
        ["2026-11-23", "'=cmd Lead", "Team Leader", "North", "1", "0", "0", "10", "10"],
    ]
    assert response["Content-Disposition"] == (
        f'attachment; filename="adherence-{org.pumps.pk}-2026-W48.csv"'
    )


@pytest.mark.parametrize("token", ["a\x00b", "../x", "ä" * 10])
def test_a_token_that_is_no_token_never_reaches_the_database(db, token):
    from valuestream.selectors.calendar_feed import feed_owner

    assert feed_owner(token=token) is None
