"""A mail backend for killing a worker at a known point of a campaign batch."""

import os
import time

from django.core.mail.backends import filebased

STALL_SECONDS = 120  # far longer than the test waits before it kills the worker


class StallingEmailBackend(filebased.EmailBackend):
    """Django's file backend that, once it has written FAULTS_MAIL_STALL_AFTER emails,
    hangs: a mail server that accepted the email and never answered. The test kills
    the worker there, with that email sent and not yet recorded: the worst moment."""

    written = 0  # in this process

    def send_messages(self, email_messages):
        count = super().send_messages(email_messages)
        StallingEmailBackend.written += count
        if StallingEmailBackend.written >= int(os.environ.get("FAULTS_MAIL_STALL_AFTER", "0")):
            time.sleep(STALL_SECONDS)
        return count
