"""The case route's periodic jobs (``ronda.core.schedule``; decision 0016, "Periodic jobs").

- ``cases.purge_exports``: every hour, the files of case exports older than 24 hours are deleted
  (they may hold children's personal data) and any password not shown is wiped.

Ronda's own work: plain tasks, never a person's job.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from ronda.cases import exports
from ronda.core import schedule


@task()
def purge_exports() -> int:
    return exports.purge_expired()


schedule.register("cases.purge_exports", purge_exports, every=dt.timedelta(hours=1))
