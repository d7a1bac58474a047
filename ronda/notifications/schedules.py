"""The outbox's periodic sweep (``ronda.core.schedule``; decision 0027): every 5 minutes, the queued
e-mails whose retry is due are sent, and those left "sending" by a worker that died are marked
failed (``notifications.delivery``)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from ronda.core import schedule
from ronda.notifications import delivery

SWEEP_EVERY = dt.timedelta(minutes=5)


@task()
def retry_due_emails() -> int:
    return delivery.retry_due()


schedule.register("notifications.retry_due", retry_due_emails, every=SWEEP_EVERY)
