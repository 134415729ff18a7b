"""The restored demo is the seeded demo: same rows, and new rows get fresh ids."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from roles.models import Team
from standardwork.models import Check
from tests.e2e.demo_snapshot import _model_tables

pytestmark = pytest.mark.e2e


def _rows_per_table() -> dict[str, int]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        counts = {}
        for table in _model_tables():
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def test_a_restored_demo_has_every_row_the_seed_wrote_and_nothing_a_test_added(demo, demo_snapshot):
    seeded = _rows_per_table()
    checks = sorted(Check.objects.values_list("pk", "status", "item_id", "done_at"))
    leader = get_user_model().objects.get(username="leader")

    Team.objects.create(name="Added by a test")
    Check.objects.update(status=Check.Status.OPEN, done_at=None)
    get_user_model().objects.filter(pk=leader.pk).update(username="renamed")
    demo_snapshot.load()

    assert _rows_per_table() == seeded
    assert sorted(Check.objects.values_list("pk", "status", "item_id", "done_at")) == checks
    assert not Team.objects.filter(name="Added by a test").exists()
    assert get_user_model().objects.filter(username="leader").count() == 1


def test_a_row_added_after_a_restore_takes_an_id_above_every_restored_one(demo, demo_snapshot):
    demo_snapshot.load()
    highest = Team.objects.order_by("-pk").values_list("pk", flat=True).first()

    added = Team.objects.create(name="Added after the restore")

    assert added.pk > highest
