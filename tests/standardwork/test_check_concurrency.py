"""Twenty taps at once on the same checklist (a double tap, two tabs, a flaky phone
retrying): each item ends in the state of its last event, and its history has
every change once, in order."""

import random
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from standardwork.models import Check, CheckEvent
from standardwork.services import checklists as checklist_services
from tests.roles.factories import UserFactory
from tests.standardwork.factories import CheckFactory, ChecklistFactory

THREADS = 20
TAPS_PER_THREAD = 10

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.concurrency,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="twenty writers at once need PostgreSQL's row locks (SQLite locks the whole file)",
    ),
]


def test_twenty_threads_ticking_and_undoing_leave_each_item_in_the_state_of_its_last_event():
    owner = UserFactory(username="leader")
    checklist = ChecklistFactory(owner=owner)
    check_ids = [CheckFactory(checklist=checklist).pk for _ in range(4)]
    start = timezone.now()
    barrier = threading.Barrier(THREADS)
    errors: list[Exception] = []
    ticks_that_took: list[int] = []  # a check id per tick that changed its item
    lock = threading.Lock()

    def tapper(number: int) -> None:
        taps = random.Random(number)  # the same taps on every run
        try:
            barrier.wait(timeout=30)
            for tap in range(TAPS_PER_THREAD):
                check_id = taps.choice(check_ids)
                # Each call's own instant: a tick that took effect stamps done_at with it.
                now = start + timedelta(microseconds=number * TAPS_PER_THREAD + tap + 1)
                if taps.random() < 0.5:
                    check = checklist_services.check_tick(actor=owner, check_id=check_id, now=now)
                    if check.done_at == now:
                        with lock:
                            ticks_that_took.append(check_id)
                else:
                    checklist_services.check_undo(actor=owner, check_id=check_id, now=now)
        except Exception as error:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tapper, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert not any(thread.is_alive() for thread in threads)
    state_after = {CheckEvent.Kind.TICK: Check.Status.DONE, CheckEvent.Kind.UNDO: Check.Status.OPEN}
    for check in Check.objects.filter(pk__in=check_ids):
        kinds = list(check.events.order_by("pk").values_list("kind", flat=True))
        # Strictly alternating from the open item: a tick on a done item or an undo
        # on an open one changes nothing and writes nothing.
        expected = [CheckEvent.Kind.TICK, CheckEvent.Kind.UNDO] * len(kinds)
        assert kinds == expected[: len(kinds)], check.pk
        # Nothing lost: every tick that took effect is in the history, once.
        assert kinds.count(CheckEvent.Kind.TICK) == ticks_that_took.count(check.pk)
        last = state_after[kinds[-1]] if kinds else Check.Status.OPEN
        assert check.status == last
        assert (check.done_at is None) == (check.status == Check.Status.OPEN)
    # Something did happen on every item (the same seeds on every run).
    assert all(ticks_that_took.count(check_id) > 0 for check_id in check_ids)
