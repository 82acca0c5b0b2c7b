"""Mail backends for tests: one whose server refuses addresses at ``refused.example`` (as an
SMTP server refuses a recipient) and delivers the rest to Django's locmem outbox; one whose
server cannot be reached."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence

from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend


class RefusingEmailBackend(EmailBackend):
    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        for message in messages:
            refused = [to for to in message.to if to.endswith("@refused.example")]
            if refused:
                raise smtplib.SMTPRecipientsRefused(dict.fromkeys(refused, (550, b"No such user")))
        return super().send_messages(messages)


class UnreachableEmailBackend(EmailBackend):
    """A mail server nobody answers at."""

    def open(self) -> bool:
        raise ConnectionRefusedError(111, "Connection refused")


class FailingAfterOneEmailBackend(EmailBackend):
    """A mail server that takes one email, then drops the connection."""

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        if mail.outbox:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class BrokenEmailBackend(EmailBackend):
    """A backend with a bug of its own: not a mail server's refusal."""

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        raise RuntimeError("a bug in the mail backend")
