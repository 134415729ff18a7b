"""History is written once: the app never updates or deletes a check event, a cycle
transition, a measurement correction or a call, and a campaign step that ran stays.

The test database gets triggers that refuse those writes (rolled back with the
test's transaction), then the demo's whole story runs: seed_demo, the beat ticks
through a day and a half, ticks, undos, a miss, corrections, leave. Any refused
write fails the story. A second run of the story must leave every earlier history
row exactly as it was.
"""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from leanops import tasks as leanops_tasks
from roles.models import User
from standardwork import tasks as standardwork_tasks
from standardwork.models import Check, CheckEvent, CycleEvent, Measurement, MeasurementChange
from standardwork.services import absences as absence_services
from standardwork.services import checklists as checklist_services
from standardwork.services import cycles as cycle_services
from valuestream import tasks as valuestream_tasks
from valuestream.models import CallLog, StepExecution

# About a minute (seed_demo, twice): CI runs it once, in `make test`.
pytestmark = [pytest.mark.django_db, pytest.mark.heavy]

# Rows that are history from the moment they are written.
APPEND_ONLY = [CheckEvent, CycleEvent, MeasurementChange, CallLog]
# A campaign step's run is a small state machine: claimed, then sending (handed to
# the mail server), or a call due; then final. Its prospect, step and start never
# change; a final run never changes again; only a claim whose email was never sent
# is given back (deleted) so it can be retried.
STEP_RUN_OPEN = ("claimed", "sending", "call_due")

POSTGRESQL_TRIGGERS = """
CREATE FUNCTION test_history_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'history is append-only: % of a row of %', TG_OP, TG_TABLE_NAME;
END $$;
CREATE FUNCTION test_step_run_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.status <> 'claimed'
        OR TG_OP = 'UPDATE' AND (
            OLD.status NOT IN ('claimed', 'sending', 'call_due')
            OR NEW.enrollment_id <> OLD.enrollment_id
            OR NEW.step_id <> OLD.step_id
            OR NEW.started_at <> OLD.started_at
        )
    THEN
        RAISE EXCEPTION 'a step run that happened is history: % of %', TG_OP, OLD.id;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
"""


def _install_triggers() -> None:
    """Refuse updates and deletes of history rows, in this test's transaction only."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_TRIGGERS)
            for model in APPEND_ONLY:
                cursor.execute(
                    f"CREATE TRIGGER test_history_frozen BEFORE UPDATE OR DELETE "
                    f"ON {model._meta.db_table} FOR EACH ROW EXECUTE FUNCTION test_history_refuse()"
                )
            cursor.execute(
                f"CREATE TRIGGER test_step_run_guard BEFORE UPDATE OR DELETE "
                f"ON {StepExecution._meta.db_table} "
                "FOR EACH ROW EXECUTE FUNCTION test_step_run_guard()"
            )
            return
        for model in APPEND_ONLY:
            table = model._meta.db_table
            for operation in ("UPDATE", "DELETE"):
                cursor.execute(
                    f"CREATE TRIGGER test_{table}_{operation.lower()} BEFORE {operation} "
                    f"ON {table} BEGIN SELECT RAISE(ABORT, "
                    f"'history is append-only: {operation} of a row of {table}'); END"
                )
        table = StepExecution._meta.db_table
        cursor.execute(
            f"CREATE TRIGGER test_step_run_delete BEFORE DELETE ON {table} "
            "WHEN OLD.status <> 'claimed' "
            "BEGIN SELECT RAISE(ABORT, 'a step run that happened is history: DELETE'); END"
        )
        cursor.execute(
            f"CREATE TRIGGER test_step_run_update BEFORE UPDATE ON {table} "
            f"WHEN OLD.status NOT IN {STEP_RUN_OPEN} OR NEW.enrollment_id <> OLD.enrollment_id "
            "OR NEW.step_id <> OLD.step_id OR NEW.started_at <> OLD.started_at "
            "BEGIN SELECT RAISE(ABORT, 'a step run that happened is history: UPDATE'); END"
        )


def _history() -> dict[str, dict[int, tuple]]:
    """Every history row, all its columns, by table and id."""
    rows = {}
    for model in [*APPEND_ONLY, StepExecution]:
        fields = [field.attname for field in model._meta.concrete_fields]
        rows[model._meta.label] = {
            values[0]: values for values in model.objects.values_list(*fields).order_by("pk")
        }
    return rows


def _beat_ticks() -> None:
    for task in (
        standardwork_tasks.issue_due_checklists,
        standardwork_tasks.send_due_reminders,
        standardwork_tasks.open_due_standups,
        valuestream_tasks.run_due_campaign_steps,
        valuestream_tasks.feed_control_points,
        valuestream_tasks.prepare_due_weekly_reviews,
        leanops_tasks.heartbeat,
    ):
        task()


def _story(fixed_clock, start) -> None:
    """The demo, then a day and a half of beat ticks and what people do in it."""
    fixed_clock.move_to(start)
    call_command("seed_demo", stdout=StringIO())
    for hours in (0, 6, 30):
        fixed_clock.move_to(start + timedelta(hours=hours))
        _beat_ticks()
        leader = User.objects.get(username="leader")
        today = checklist_services.checklist_issue_today(user=leader)
        if today is None:
            continue  # the leader's day off at this instant
        first, second, *_ = today.checks.order_by("position")
        checklist_services.check_tick(actor=leader, check_id=first.pk)
        checklist_services.check_undo(actor=leader, check_id=first.pk)
        checklist_services.check_tick(actor=leader, check_id=first.pk)
        checklist_services.check_mark_missed(
            actor=leader, check_id=second.pk, note="Customer visit", reason_text="Travel"
        )
    # A correction and a voiding, each with its reason in the value's history.
    measurement = Measurement.objects.filter(voided_at__isnull=True).order_by("pk").last()
    coordinator = measurement.control_point.team.coordinator
    cycle_services.measurement_correct(
        actor=coordinator,
        measurement_id=measurement.pk,
        value=measurement.value + Decimal("1"),
        reason="Typed from the wrong day's sheet",
    )
    cycle_services.measurement_void(
        actor=coordinator, measurement_id=measurement.pk, reason="The dialler double-counted"
    )
    # Leave over a day whose items were ticked and undone: that history stays.
    member = User.objects.get(username="member")
    today = checklist_services.checklist_issue_today(user=member)
    if today is not None:
        check = today.checks.order_by("position").first()
        checklist_services.check_tick(actor=member, check_id=check.pk)
        checklist_services.check_undo(actor=member, check_id=check.pk)
        absence_services.absence_record(
            actor=member, person=member, start_date=today.date, end_date=today.date
        )


def test_the_demo_story_twice_never_updates_or_deletes_a_history_row(fixed_clock):
    _install_triggers()
    start = timezone.now()

    _story(fixed_clock, start)
    before = _history()
    _story(fixed_clock, start + timedelta(days=2))
    after = _history()

    # The story wrote history of every kind.
    assert all(before[model._meta.label] for model in APPEND_ONLY)
    assert Check.objects.filter(events__kind=CheckEvent.Kind.UNDO).exists()
    status = [field.attname for field in StepExecution._meta.concrete_fields].index("status")
    step_runs = before[StepExecution._meta.label]
    for pk, row in list(step_runs.items()):
        if row[status] in STEP_RUN_OPEN:
            del step_runs[pk]  # still open then: it may have finished since
    for label, rows in before.items():
        assert {pk: after[label].get(pk) for pk in rows} == rows, label
