"""The protection module's kinds of notification (found by ``ronda.notifications.kinds``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from ronda.core.roles import Role

if TYPE_CHECKING:
    from ronda.notifications.kinds import KindSpec

WEEKLY_DIGEST = "protection.weekly_digest"

NOTIFICATION_KINDS: list[KindSpec] = [
    {
        "key": WEEKLY_DIGEST,
        "label": _("Weekly digest of my protection files"),
        "description": _(
            "On Monday mornings, the files in your charge with overdue measure reviews, ratifications or "
            "gatekeeping records (file numbers and initials only)."
        ),
        "default": True,
        # policies.FILE_WORKERS: the officers in charge of files (and supervisors who hold files)
        "roles": [Role.PROTECTION_OFFICER, Role.SUPERVISOR],
        "digest": True,
    },
]
