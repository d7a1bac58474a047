"""Planning's kinds of notification (found by ``ronda.notifications.kinds``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from ronda.core.roles import Role

if TYPE_CHECKING:
    from ronda.notifications.kinds import KindSpec

WEEKLY_DIGEST = "planning.weekly_digest"

NOTIFICATION_KINDS: list[KindSpec] = [
    {
        "key": WEEKLY_DIGEST,
        "label": _("Weekly digest of the local plan's alerts"),
        "description": _(
            "On Monday mornings, the measures past their end date, without a recent progress report, with "
            "overdue milestones or with a budget ahead of their progress; and the figures waiting for validation."
        ),
        "default": True,
        "roles": [Role.COORDINATOR, Role.AREA_FOCAL],
        "digest": True,
    },
]
