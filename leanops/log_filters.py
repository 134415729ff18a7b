"""Logging filters the settings install (LOGGING)."""

import logging


class RefusalWithoutTraceback(logging.Filter):
    """Keep a refusal (403) or a missing page (404) to its one-line warning.

    Django logs PermissionDenied with the exception attached, so every ordinary
    refusal would print a traceback; a refusal is an answer, not a fault.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in (403, 404):
            record.exc_info = None
            record.exc_text = None
        return True
