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


class UnavailableWithoutTraceback(logging.Filter):
    """Keep a 503 for a database that is down (leanops.views.server_error) to one line.

    While PostgreSQL restarts every request fails the same way; a traceback each
    would bury the log. The handler's own warning names the error.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        from django.db import InterfaceError, OperationalError

        error = record.exc_info[1] if record.exc_info else None
        if getattr(record, "status_code", None) == 503 and isinstance(
            error, OperationalError | InterfaceError
        ):
            record.exc_info = None
            record.exc_text = None
        return True
