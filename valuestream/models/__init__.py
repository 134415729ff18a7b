"""The value stream's models, one module per concept, imported in one direction:

- `economics`: programs, budget allocations, spend and attributed revenue;
- `prospects`: prospects, their handoffs between teams, holidays and CSV imports;
- `calls`: call scripts and their versions (call logs live in `campaigns`);
- `campaigns`: campaigns, steps, enrollments, step executions, call logs,
  the daily send count per sender and the control-point feeds;
- `training`: the weekly script-playback training and its recordings;
- `reviews`: the VSM's weekly review (its frozen agenda, attendance, notes
  and the actions it gave);
- `calendar_feed`: each person's private iCalendar feed.

economics <- prospects <- calls <- campaigns <- training: a module imports
only those before it. Every model is re-exported here, as
`valuestream.models.WeeklyReview` etc.
"""

from valuestream.models.calendar_feed import CalendarFeed
from valuestream.models.calls import CallScript, ScriptVersion
from valuestream.models.campaigns import (
    CallLog,
    Campaign,
    ControlPointFeed,
    Enrollment,
    FeedValue,
    SenderDay,
    Step,
    StepExecution,
)
from valuestream.models.economics import BudgetAllocation, Program, RevenueEntry, SpendEntry
from valuestream.models.prospects import Handoff, Holiday, Prospect, ProspectImport
from valuestream.models.reviews import (
    REVIEW_DURATION,
    ReviewAction,
    ReviewAttendance,
    ReviewNote,
    WeeklyReview,
)
from valuestream.models.training import Recording, TrainingSession

__all__ = [
    "BudgetAllocation",
    "CalendarFeed",
    "CallLog",
    "CallScript",
    "Campaign",
    "ControlPointFeed",
    "Enrollment",
    "FeedValue",
    "Handoff",
    "Holiday",
    "Program",
    "Prospect",
    "ProspectImport",
    "REVIEW_DURATION",
    "Recording",
    "RevenueEntry",
    "ReviewAction",
    "ReviewAttendance",
    "ReviewNote",
    "ScriptVersion",
    "SenderDay",
    "SpendEntry",
    "Step",
    "StepExecution",
    "TrainingSession",
    "WeeklyReview",
]
