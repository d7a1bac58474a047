"""The e-mails certification sends (found by ``ronda.notifications.kinds``): the reminders before a
deadline of the recognition cycle, which each person may turn off in "Mis notificaciones"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from ronda.core.roles import Role

if TYPE_CHECKING:
    from ronda.notifications.kinds import KindSpec

KIND_DEADLINES = "certification.deadlines"

NOTIFICATION_KINDS: list[KindSpec] = [
    {
        "key": KIND_DEADLINES,
        "label": gettext_lazy("Deadlines of the Child Friendly recognition"),
        "description": gettext_lazy(
            "Before a call for candidacies closes, before a recognition expires and when it has expired, "
            "and before an evaluator's report is due."
        ),
        "default": True,
        "roles": [Role.COORDINATOR, Role.SECRETARIAT, Role.EVALUATOR],
    },
]
