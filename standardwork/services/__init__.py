"""All writes to standard work, one module per concept:

- `checklists`: templates and versions, issuing, ticks, misses, layered
  verification, countermeasures, absences, reminders;
- `standups`: stand-ups, impediments and escalations, actions;
- `cycles`: PDCA/SDCA cycles, control points and measurements.

The checklist services are re-exported here, as `services.check_tick` and so on.
"""

from standardwork.services.checklists import (
    CATCH_UP_DAYS,
    DEFAULT_TARGETS,
    REMINDER_TIME,
    CheckGone,
    ItemSpec,
    absence_record,
    check_mark_missed,
    check_record_countermeasure,
    check_request_countermeasure,
    check_tick,
    check_undo,
    checklist_confirm,
    checklist_issue_today,
    checklists_issue_due,
    layer_target_percent,
    layer_target_set,
    person_today,
    reminders_send_due,
    standard_defaults_ensure,
    template_create,
    template_revise,
)

__all__ = [
    "CATCH_UP_DAYS",
    "DEFAULT_TARGETS",
    "REMINDER_TIME",
    "CheckGone",
    "ItemSpec",
    "absence_record",
    "check_mark_missed",
    "check_record_countermeasure",
    "check_request_countermeasure",
    "check_tick",
    "check_undo",
    "checklist_confirm",
    "checklist_issue_today",
    "checklists_issue_due",
    "layer_target_percent",
    "layer_target_set",
    "person_today",
    "reminders_send_due",
    "standard_defaults_ensure",
    "template_create",
    "template_revise",
]
