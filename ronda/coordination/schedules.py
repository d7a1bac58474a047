"""The coordination body's periodic job (``ronda.core.schedule``): every 15 minutes, the reminders of
the convened meetings whose moment has come are queued, each once (``services.convocation``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import translation
from django_tasks import task

from ronda.coordination.services import convocation
from ronda.core import schedule

REMINDERS_EVERY = dt.timedelta(minutes=15)


@task()
def send_meeting_reminders() -> int:
    with translation.override(settings.LANGUAGE_CODE):
        return convocation.send_due_reminders()


schedule.register("coordination.meeting_reminders", send_meeting_reminders, every=REMINDERS_EVERY)
