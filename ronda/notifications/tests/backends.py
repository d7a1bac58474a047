"""E-mail backends for the tests: one whose server is always down, one that lets a second worker in."""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FailingBackend(BaseEmailBackend):
    """The SMTP server refuses every connection."""

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RacingBackend(LocmemBackend):
    """Sends like locmem, but first runs ``during_send`` (a rival worker delivering the same row)."""

    during_send: ClassVar[list[Callable[[], object]]] = []
    results: ClassVar[list[object]] = []

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        for rival in self.during_send:
            self.results.append(rival())
        return super().send_messages(email_messages)
