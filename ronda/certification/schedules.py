"""Certification's periodic job (``ronda.core.schedule``): every morning, the reminders of the
recognition cycle that are due (``reminders``), each once."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import translation
from django_tasks import task

from ronda.certification import reminders
from ronda.core import schedule

REMINDERS_AT = dt.time(7, 30)


@task()
def send_certification_reminders() -> int:
    with translation.override(settings.LANGUAGE_CODE):
        return reminders.send_due_reminders()


schedule.register("certification.reminders", send_certification_reminders, daily_at=REMINDERS_AT)
