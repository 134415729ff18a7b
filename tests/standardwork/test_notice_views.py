"""The notices page: unread newest first with Mark read and Mark all read, the read
ones of the last two weeks below; someone else's notice is not found."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from standardwork.models import Notice
from standardwork.selectors.followup import UNREAD_SHOWN
from tests.standardwork import checklist_org
from tests.standardwork.checklist_org import HTMX, url

pytestmark = pytest.mark.django_db

checklist_org = checklist_org.checklist_org


def notice(recipient, text: str, *, age: timedelta = timedelta(0), read_age=None, **fields):
    """A notice written `age` ago (read `read_age` ago, if given)."""
    now = timezone.now()
    created = Notice.objects.create(
        recipient=recipient,
        kind=fields.pop("kind", Notice.Kind.COUNTERMEASURE),
        date=(now - age).date(),
        text=text,
        url=fields.pop("url", "/standard-work/"),
        read_at=None if read_age is None else now - read_age,
        **fields,
    )
    Notice.objects.filter(pk=created.pk).update(created_at=now - age)  # auto_now_add
    return created


def texts(notices) -> list[str]:
    return [notice.text for notice in notices]


def test_the_page_lists_unread_newest_first_then_the_read_of_the_last_two_weeks(client, org):
    notice(org.leader, "Two days old", age=timedelta(days=2))
    notice(org.leader, "Just now", url="/standard-work/impediments/")
    notice(org.leader, "Read yesterday", age=timedelta(days=3), read_age=timedelta(days=1))
    notice(org.leader, "Read long ago", age=timedelta(days=40), read_age=timedelta(days=20))
    notice(org.coordinator, "Someone else's")
    client.force_login(org.leader)

    response = client.get(url("notices"))

    page = response.context["page"]
    assert (texts(page.unread), page.unread_total) == (["Just now", "Two days old"], 2)
    assert texts(page.read) == ["Read yesterday"]
    html = response.content.decode()
    assert '<a href="/standard-work/impediments/">Just now</a>' in html
    assert html.index("Just now") < html.index("Two days old") < html.index("Read yesterday")
    assert 'class="sw-notice sw-notice-countermeasure sw-notice-read"' in html
    assert f'action="{url("notices_read_all")}"' in html


def test_many_unread_notices_are_paged_with_a_link_to_the_older(client, org):
    for age in range(UNREAD_SHOWN + 3):
        notice(org.leader, f"Notice {age}", age=timedelta(hours=age))
    client.force_login(org.leader)

    first = client.get(url("notices"))
    older = client.get(url("notices"), {"page": "2"})

    assert len(first.context["page"].unread) == UNREAD_SHOWN
    assert 'href="?page=2">Older unread →</a>' in first.content.decode()
    assert texts(older.context["page"].unread) == [
        f"Notice {age}" for age in range(UNREAD_SHOWN, UNREAD_SHOWN + 3)
    ]
    assert older.context["page"].unread_total == UNREAD_SHOWN + 3


@pytest.mark.parametrize("page", ["0", "-1", "x", "²", "99999999999", "1\x00"])
def test_a_bad_page_number_shows_the_first_page(client, org, page):
    notice(org.leader, "Just now")
    client.force_login(org.leader)

    response = client.get(url("notices"), {"page": page})

    assert response.status_code == 200
    assert texts(response.context["page"].unread) == ["Just now"]


def test_a_page_past_the_last_still_says_how_many_are_unread(client, org):
    notice(org.leader, "Just now")
    client.force_login(org.leader)

    response = client.get(url("notices"), {"page": "5"})

    assert (response.context["page"].unread, response.context["page"].unread_total) == ([], 1)
    assert 'href="?page=1">Back to the newest</a>' in response.content.decode()


def test_mark_read_with_htmx_greys_the_notice_and_updates_the_badge(client, org):
    first = notice(org.leader, "First")
    notice(org.leader, "Second")
    client.force_login(org.leader)

    response = client.post(url("notice_read", first.pk), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        f'<li id="notice-{first.pk}" class="sw-notice sw-notice-countermeasure sw-notice-read">'
        in (html)
    )
    assert "Mark read" not in html
    assert (
        f'<a class="header-badge has-count" id="badge-notices" href="{url("notices")}" '
        'hx-swap-oob="true">Notices <span class="badge-count">1</span>'
    ) in html
    first.refresh_from_db()
    assert first.read_at is not None


def test_mark_read_without_javascript_goes_back_to_the_notices(client, org):
    unread = notice(org.leader, "First")
    client.force_login(org.leader)

    response = client.post(url("notice_read", unread.pk))

    assert (response.status_code, response.url) == (302, url("notices"))
    unread.refresh_from_db()
    assert unread.read_at is not None


def test_mark_all_read_marks_every_unread_notice_of_the_person_only(client, org):
    mine = [notice(org.leader, "First"), notice(org.leader, "Second")]
    theirs = notice(org.coordinator, "Someone else's")
    client.force_login(org.leader)

    response = client.post(url("notices_read_all"), follow=True)

    assert response.redirect_chain == [(url("notices"), 302)]
    assert "Marked 2 notices read." in response.content.decode()
    assert response.context["page"].unread == []
    assert texts(response.context["page"].read) == ["Second", "First"]
    assert Notice.objects.filter(pk__in=[n.pk for n in mine], read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_someone_elses_notice_is_not_found_and_stays_unread(client, org):
    theirs = notice(org.leader, "The leader's")
    client.force_login(org.coordinator)

    responses = [
        client.post(url("notice_read", theirs.pk), **HTMX),
        client.post(url("notice_read", theirs.pk)),
        client.post(url("notice_read", theirs.pk + 1000)),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]
    assert "That notice no longer exists." in responses[1].content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_page_reads_the_notices_in_a_fixed_number_of_queries(client, org):
    client.force_login(org.leader)
    few = _queries(client)
    for age in range(60):
        notice(org.leader, f"Unread {age}", age=timedelta(hours=age))
        notice(org.leader, f"Read {age}", age=timedelta(hours=age), read_age=timedelta(hours=1))

    assert _queries(client) == few


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("notices")).status_code == 200
    return len(queries)
