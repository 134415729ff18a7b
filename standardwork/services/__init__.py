"""All writes to standard work, one module per concept; callers import the
module they mean (`from standardwork.services import checklists as checklist_services`):

- `templates`: standard-work templates and their versions;
- `checklists`: issuing checklists, ticks, undos and misses;
- `verification`: the layer above confirms a day, countermeasures;
- `adherence`: layer targets and the default miss reasons;
- `absences`: leave;
- `reminders`: the daily reminder;
- `followup`: actions and notices;
- `standups`: stand-ups, impediments and escalations;
- `cycles`: PDCA/SDCA cycles, control points and measurements.
"""
