"""The standard-work models, one module per concept, imported in one direction:

- `standard`: templates, versions, items, layer targets, absences, checklists,
  miss reasons, checks and their history;
- `rhythm`: stand-ups, attendance, impediments;
- `improvement`: PDCA/SDCA cycles, cycle history, control points, measurements;
- `followup`: actions and notices.

standard <- rhythm <- improvement <- followup: a module imports only those
before it. Every model is re-exported here, as `standardwork.models.Check` etc.
"""

from standardwork.models.followup import Action, Notice
from standardwork.models.improvement import (
    ControlPoint,
    ControlPointBaseline,
    Cycle,
    CycleEvent,
    Measurement,
    MeasurementChange,
)
from standardwork.models.rhythm import Impediment, Standup, StandupAttendance
from standardwork.models.standard import (
    Absence,
    AdherenceWeek,
    Check,
    CheckEvent,
    Checklist,
    LayerTarget,
    MissReason,
    StandardWorkTemplate,
    SummarisedWeek,
    TemplateItem,
    TemplateVersion,
)

__all__ = [
    "Absence",
    "Action",
    "AdherenceWeek",
    "Check",
    "CheckEvent",
    "Checklist",
    "ControlPoint",
    "ControlPointBaseline",
    "Cycle",
    "CycleEvent",
    "Impediment",
    "LayerTarget",
    "Measurement",
    "MeasurementChange",
    "MissReason",
    "Notice",
    "StandardWorkTemplate",
    "Standup",
    "StandupAttendance",
    "SummarisedWeek",
    "TemplateItem",
    "TemplateVersion",
]
