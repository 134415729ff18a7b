"""The holidays page: read by everyone signed in, changed by a VSM, validated."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from valuestream.models import Holiday
from valuestream.services import holidays as holiday_services

pytestmark = pytest.mark.django_db
URL = reverse("valuestream:holiday_list")
REMOVE = reverse("valuestream:holiday_remove")


def test_the_vsm_adds_a_holiday_on_the_page(client, org):
    client.force_login(org["vsm"])

    response = client.post(URL, {"date": "2026-12-25", "name": "  Christmas   Day "})

    assert response.status_code == 302
    assert list(Holiday.objects.values_list("date", "name")) == [
        (date(2026, 12, 25), "Christmas Day")
    ]
    assert "Christmas Day" in client.get(URL).content.decode()


def test_a_day_listed_already_is_refused_with_its_name(client, org):
    Holiday.objects.create(date=date(2026, 12, 25), name="Christmas Day")
    client.force_login(org["vsm"])

    response = client.post(URL, {"date": "2026-12-25", "name": "Xmas"})

    assert response.status_code == 200
    assert "25 December 2026 is listed already (Christmas Day)." in response.content.decode()
    assert list(Holiday.objects.values_list("name", flat=True)) == ["Christmas Day"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"date": "25/12/2026", "name": "Christmas"}, "Enter the date as YYYY-MM-DD"),
        ({"date": "2026-02-30", "name": "No such day"}, "Enter the date as YYYY-MM-DD"),
        ({"date": "2026-12-25", "name": ""}, "This field is required."),
        ({"date": "2026-12-25", "name": "x" * 121}, "at most 120 characters"),
    ],
    ids=["day-first", "no-such-day", "no-name", "long-name"],
)
def test_a_bad_date_or_name_is_refused_with_a_message(client, org, body, message):
    client.force_login(org["vsm"])

    response = client.post(URL, body)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Holiday.objects.exists()


def test_the_service_refuses_a_duplicate_too(org):
    holiday_services.holiday_add(actor=org["vsm"], day=date(2027, 1, 1), name="New Year")

    with pytest.raises(ValidationError) as refused:
        holiday_services.holiday_add(actor=org["vsm"], day=date(2027, 1, 1), name="Again")

    assert refused.value.message_dict == {"date": ["1 January 2027 is listed already (New Year)."]}
    assert Holiday.objects.count() == 1


def test_the_vsm_removes_a_holiday(client, org):
    holiday = Holiday.objects.create(date=date(2026, 12, 25), name="Christmas Day")
    client.force_login(org["vsm"])

    response = client.post(REMOVE, {"holiday": holiday.pk})
    gone = client.post(REMOVE, {"holiday": holiday.pk})

    assert (response.status_code, gone.status_code) == (302, 302)
    assert not Holiday.objects.exists()
    assert "That holiday is not on the list (any more)." in client.get(URL).content.decode()


@pytest.mark.parametrize("who", ["coordinator", "leader", "member"])
def test_others_read_the_list_but_cannot_change_it_and_nothing_is_written(client, org, who):
    holiday = Holiday.objects.create(date=date(2026, 12, 25), name="Christmas Day")
    client.force_login(org[who])

    page = client.get(URL)
    added = client.post(URL, {"date": "2026-12-26", "name": "Boxing Day"})
    removed = client.post(REMOVE, {"holiday": holiday.pk})

    assert page.status_code == 200 and "Christmas Day" in page.content.decode()
    assert "Add holiday" not in page.content.decode()
    assert (added.status_code, removed.status_code) == (403, 403)
    assert list(Holiday.objects.values_list("name", flat=True)) == ["Christmas Day"]
    with pytest.raises(PermissionDenied, match="Only a value stream's VSM"):
        holiday_services.holiday_remove(actor=org[who], holiday_id=holiday.pk)


def test_the_page_lists_coming_holidays_in_order_and_recent_ones_apart(
    client, org, django_assert_max_num_queries
):
    for day, name in [(date(2026, 12, 28), "Bank holiday"), (date(2026, 12, 25), "Christmas"),
                      (date(2026, 8, 31), "Summer bank holiday")]:  # fmt: skip
        Holiday.objects.create(date=day, name=name)
    client.force_login(org["vsm"])

    with django_assert_max_num_queries(12):
        text = client.get(URL).content.decode()

    coming, _, lately = text.partition("Lately")
    assert coming.index("Christmas") < coming.index("Bank holiday")
    assert "Summer bank holiday" in lately and "Summer bank holiday" not in coming
