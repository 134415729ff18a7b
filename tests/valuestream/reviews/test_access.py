"""Who opens the dashboard and the weekly reviews."""

from datetime import date

import pytest
from django.urls import reverse

from tests.roles.factories import UserFactory
from tests.valuestream.reviews.conftest import at
from valuestream.services.reviews import weekly_review_prepare

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviews(org):
    now = at("2026-11-25 09:00", "Europe/London")
    return (
        weekly_review_prepare(value_stream_id=org.pumps.pk, week_start=date(2026, 11, 23), now=now),
        weekly_review_prepare(
            value_stream_id=org.other_stream.pk, week_start=date(2026, 11, 23), now=now
        ),
    )


def test_a_vsm_cannot_open_another_value_streams_dashboard_or_review(org, reviews, client):
    client.force_login(org.vsm)
    other = org.other_stream.pk

    answers = [
        client.get(reverse("valuestream:value_stream_dashboard", args=[other])).status_code,
        client.get(reverse("valuestream:adherence_csv", args=[other])).status_code,
        client.get(reverse("valuestream:review_list", args=[other])).status_code,
        client.get(reverse("valuestream:review_detail", args=[reviews[1].pk])).status_code,
    ]

    assert answers == [404, 404, 404, 404]


def test_the_vsm_opens_their_own(org, reviews, client):
    client.force_login(org.vsm)

    answers = [
        client.get(reverse("valuestream:dashboard")).status_code,
        client.get(reverse("valuestream:value_stream_dashboard", args=[org.pumps.pk])).status_code,
        client.get(reverse("valuestream:review_list", args=[org.pumps.pk])).status_code,
        client.get(reverse("valuestream:review_detail", args=[reviews[0].pk])).status_code,
    ]

    assert answers == [200, 200, 200, 200]


def test_a_member_cannot_open_any_dashboard_or_review(org, reviews, client):
    client.force_login(org.member)

    dashboard = client.get(reverse("valuestream:dashboard"))
    own = client.get(reverse("valuestream:value_stream_dashboard", args=[org.pumps.pk]))
    review = client.get(reverse("valuestream:review_detail", args=[reviews[0].pk]))

    assert dashboard.status_code == 403
    assert "for value stream managers and team coordinators" in dashboard.content.decode()
    assert (own.status_code, review.status_code) == (404, 404)


def test_a_superuser_sees_every_value_stream_side_by_side(org, client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.get(reverse("valuestream:dashboard"))

    assert [board.scope.value_stream.name for board in response.context["boards"]] == [
        "Pumps",
        "Service",
    ]
    assert 'class="vs-boards"' in response.content.decode()


def test_the_dashboard_is_the_vsms_landing_page(org, client):
    client.force_login(org.vsm)

    assert client.get(reverse("home")).url == reverse("valuestream:dashboard")


def test_a_bad_week_is_said_and_this_week_shown(org, client):
    client.force_login(org.vsm)

    response = client.get(reverse("valuestream:dashboard"), {"week": "2026-13-45\x00"})

    assert response.status_code == 200
    assert response.context["boards"][0].week_start == date(2026, 11, 23)
    assert "is not a date" in response.content.decode()
