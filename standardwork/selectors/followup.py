"""Reads for follow-up: who may own a team's action, a person's open actions, and
their notices (the unread count of the header's badge and the notices page)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, QuerySet, Window
from django.utils import timezone

from leanops.base.baked import baked, baked_count
from roles.models import Team, User
from roles.selectors import team_people
from standardwork.models import Action, Notice
from standardwork.selectors.standups import _with_owner_zone, mark_overdue_for_owner


def action_owners(team: Team) -> list[User]:
    """The people who may own an action of `team` (policy.can_own_action), as choices:
    its TL, its members, then its TC. Reads the team's prefetched memberships."""
    people = team_people(team)
    coordinator = team.coordinator
    if coordinator is not None and coordinator.pk not in {person.pk for person in people}:
        people.append(coordinator)
    return people


# How many open actions My standard work lists before "Show all".
OPEN_ACTIONS_SHOWN = 10


@dataclass
class OpenActions:
    """A person's open actions, soonest due first: the first few, or all of them."""

    actions: list[Action]
    total: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.actions)


def _open_actions(owner_id: int) -> QuerySet[Action]:
    return (
        _with_owner_zone(Action.objects.filter(owner_id=owner_id, done_at__isnull=True))
        .select_related("team")
        .annotate(open_total=Window(Count("pk")))
        .order_by("due_date", "pk")
    )


# My standard work asks one of these on every request: compiled once (leanops.base.baked).
_first_open_actions = baked(lambda owner_id: _open_actions(owner_id)[:OPEN_ACTIONS_SHOWN])
_all_open_actions = baked(_open_actions)


def open_actions_page(
    *, user: User, show_all: bool = False, now: datetime | None = None
) -> OpenActions:
    """`user`'s open actions, overdue ones marked: the first OPEN_ACTIONS_SHOWN unless
    `show_all`, with the total counted in the same query (a window count)."""
    actions = (_all_open_actions if show_all else _first_open_actions)(owner_id=user.pk)
    for action in actions:
        action.can_complete = True  # the owner's own
    mark_overdue_for_owner(actions, now=now or timezone.now())
    return OpenActions(actions=actions, total=actions[0].open_total if actions else 0)


# --- notices ------------------------------------------------------------------

# How many unread notices the notices page lists before "Older unread".
UNREAD_SHOWN = 25
# How far back the page shows notices already read.
READ_SHOWN_DAYS = 14
READ_SHOWN = 50


# Every page's header asks it: compiled once (leanops.base.baked).
_unread_count = baked_count(
    lambda recipient_id: Notice.objects.filter(recipient_id=recipient_id, read_at__isnull=True)
)


def unread_notice_count(user: User, *, fresh: bool = False) -> int:
    """How many notices `user` has not read: the header's badge, one COUNT query.

    Asked once per request: the answer is kept on the user object (which lives one
    request), so the header's badge and a page that names the count share the
    query. `fresh` counts again (after this request marked notices read).
    """
    if not user.is_authenticated:
        return 0
    if fresh or not hasattr(user, "_unread_notice_count"):
        user._unread_notice_count = _unread_count(recipient_id=user.pk)
    return user._unread_notice_count


@dataclass
class NoticesPage:
    """A person's notices: unread newest first (a page of them), then the recently read."""

    unread: list[Notice]
    unread_total: int
    read: list[Notice]
    page: int = 1

    @property
    def older_page(self) -> int | None:
        """The page of older unread notices, if there are more."""
        return self.page + 1 if self.page * UNREAD_SHOWN < self.unread_total else None

    @property
    def newer_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None


def notices_page(*, user: User, page: int = 1, now: datetime | None = None) -> NoticesPage:
    """`user`'s unread notices, newest first, UNREAD_SHOWN a page (the total counted in
    the same query), and those read in the last READ_SHOWN_DAYS days: two queries."""
    now = now or timezone.now()
    start = (page - 1) * UNREAD_SHOWN
    unread_rows = Notice.objects.filter(recipient=user, read_at__isnull=True)
    unread = list(
        unread_rows.annotate(unread_total=Window(Count("pk"))).order_by("-created_at", "-pk")[
            start : start + UNREAD_SHOWN
        ]
    )
    total = unread[0].unread_total if unread else 0
    if not unread and page > 1:  # a page past the last: count what there is
        total = unread_rows.count()
    read = list(
        Notice.objects.filter(
            recipient=user, read_at__gte=now - timedelta(days=READ_SHOWN_DAYS)
        ).order_by("-read_at", "-pk")[:READ_SHOWN]
    )
    return NoticesPage(unread=unread, unread_total=total, read=read, page=page)
