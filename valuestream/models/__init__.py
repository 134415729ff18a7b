"""The value stream's models, one module per concept:

- `reviews`: the VSM's weekly review (its frozen agenda, attendance, notes
  and the actions it gave);
- `calendar_feed`: each person's private iCalendar feed.

Every model is re-exported here, as `valuestream.models.WeeklyReview` etc.
"""

from valuestream.models.calendar_feed import CalendarFeed
from valuestream.models.reviews import (
    REVIEW_DURATION,
    ReviewAction,
    ReviewAttendance,
    ReviewNote,
    WeeklyReview,
)

__all__ = [
    "REVIEW_DURATION",
    "CalendarFeed",
    "ReviewAction",
    "ReviewAttendance",
    "ReviewNote",
    "WeeklyReview",
]
