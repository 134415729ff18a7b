"""The weekly review meeting page: attendance, notes, actions, beside the frozen agenda."""

from datetime import date

import pytest
from django.urls import reverse

from standardwork.models import Action
from standardwork.selectors.standups import my_actions
from tests.valuestream.reviews.conftest import at
from valuestream.models import ReviewAction, ReviewAttendance, ReviewNote, WeeklyReview
from valuestream.services.reviews import weekly_review_prepare

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(org) -> WeeklyReview:
    return weekly_review_prepare(
        value_stream_id=org.pumps.pk,
        week_start=date(2026, 11, 23),
        now=at("2026-11-25 09:00", "Europe/London"),
    )


def _url(name, review):
    return reverse(f"valuestream:{name}", args=[review.pk])


def test_the_vsm_records_attendance(org, review, client):
    client.force_login(org.vsm)

    response = client.post(_url("review_attendance", review), {"present": [org.vsm.pk, org.tl.pk]})

    assert response.status_code == 302
    assert dict(ReviewAttendance.objects.values_list("person__username", "present")) == {
        "vsm": True,
        "tc": False,
        "tl": True,
        "mc": False,
    }


def test_the_vsm_records_a_decision_and_a_budget_change(org, review, client):
    client.force_login(org.vsm)

    client.post(_url("review_note_add", review), {"kind": "decision", "text": "Call mornings."})
    client.post(_url("review_note_add", review), {"kind": "budget", "text": "2,000 to calls."})

    assert list(ReviewNote.objects.values_list("kind", "text")) == [
        ("decision", "Call mornings."),
        ("budget", "2,000 to calls."),
    ]
    html = client.get(_url("review_detail", review)).content.decode()
    assert "Call mornings." in html
    assert "Budget changes" in html


def test_an_action_from_the_review_lands_on_the_owners_page(org, review, client):
    client.force_login(org.vsm)

    response = client.post(
        _url("review_action_add", review),
        {
            "team": org.north.pk,
            "title": "Move the call block",
            "owner": org.tl.pk,
            "due_date": "2026-11-30",
        },
    )

    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.source, action.owner, action.team, action.created_by) == (
        Action.Source.WEEKLY_REVIEW,
        org.tl,
        org.north,
        org.vsm,
    )
    assert ReviewAction.objects.get().review == review
    assert [found.title for found in my_actions(user=org.tl)] == ["Move the call block"]


def test_an_action_for_someone_outside_the_team_is_refused_on_the_form(org, review, client):
    client.force_login(org.vsm)

    response = client.post(
        _url("review_action_add", review),
        {"team": org.north.pk, "title": "Brief", "owner": org.mc_lead.pk, "due_date": "2026-11-30"},
    )

    assert response.status_code == 400
    assert "The owner must be someone in North." in response.content.decode()
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"team": "1\x00", "title": "X", "owner": "1", "due_date": "2026-11-30"},
        {"team": "99999999999999999999999", "title": "X", "owner": "1", "due_date": "2026-11-30"},
        {"team": "", "title": "X\x00", "owner": "", "due_date": "9999-12-31"},
        {"team": "١", "title": "X", "owner": "٢", "due_date": "٢٠٢٦-١١-٣٠"},
        {"team": "1", "title": "X", "owner": "1", "due_date": "2020-01-01"},
    ],
)
def test_bad_action_input_is_refused_with_a_message_not_a_500(org, review, client, body):
    client.force_login(org.vsm)

    response = client.post(_url("review_action_add", review), body)

    assert response.status_code == 400
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    "body", [{"kind": "verdict", "text": "x"}, {"kind": "decision", "text": "a\x00b"}, {}]
)
def test_bad_notes_are_refused(org, review, client, body):
    client.force_login(org.vsm)

    response = client.post(_url("review_note_add", review), body)

    assert response.status_code == 400
    assert not ReviewNote.objects.exists()


def test_attendance_of_someone_not_attending_is_refused(org, review, client):
    client.force_login(org.vsm)

    response = client.post(_url("review_attendance", review), {"present": [org.member.pk]})

    assert response.status_code == 400
    assert not ReviewAttendance.objects.exists()


@pytest.mark.parametrize("username", ["tc", "tl", "mc"])
def test_attendees_read_the_review_but_only_the_vsm_records_it(org, review, client, username):
    client.force_login(getattr(org, {"tc": "tc", "tl": "tl", "mc": "mc_lead"}[username]))

    page = client.get(_url("review_detail", review))
    note = client.post(_url("review_note_add", review), {"kind": "decision", "text": "Mine."})
    action = client.post(
        _url("review_action_add", review),
        {"team": org.north.pk, "title": "X", "owner": org.tl.pk, "due_date": "2026-11-30"},
    )

    assert page.status_code == 200
    assert (note.status_code, action.status_code) == (403, 403)
    assert not ReviewNote.objects.exists()
    assert not Action.objects.exists()


def test_a_past_review_shows_beside_its_frozen_agenda(org, review, client):
    client.force_login(org.vsm)

    html = client.get(_url("review_detail", review)).content.decode()

    assert "The agenda as prepared" in html
    assert "Standard-work adherence" in html
    assert "Campaigns are not set up yet." in html


def test_the_admin_lists_reviews_and_feeds_read_only(org, review, client):
    client.force_login(org.vsm.__class__.objects.create_superuser("root", "r@example.com", "x"))

    pages = [
        client.get(reverse("admin:valuestream_weeklyreview_changelist")).status_code,
        client.get(reverse("admin:valuestream_weeklyreview_change", args=[review.pk])).status_code,
        client.get(reverse("admin:valuestream_calendarfeed_changelist")).status_code,
    ]

    assert pages == [200, 200, 200]


def _grow(org, teams: int):
    from tests.roles.factories import MembershipFactory, TeamFactory

    for _ in range(teams):
        team = TeamFactory(value_streams=[org.pumps], coordinator=org.tc)
        MembershipFactory(team=team, role="leader")
        MembershipFactory(team=team)


@pytest.mark.parametrize("name", ["review_detail", "review_list"])
def test_review_pages_answer_in_a_fixed_number_of_queries(org, review, client, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(org.vsm)
    url = (
        _url(name, review)
        if name == "review_detail"
        else reverse("valuestream:review_list", args=[org.pumps.pk])
    )
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(org, 3)
    with CaptureQueriesContext(connection) as larger:
        assert client.get(url).status_code == 200

    assert len(larger) == len(small)
    assert len(small) <= 25
