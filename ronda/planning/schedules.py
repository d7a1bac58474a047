"""Planning's periodic job (``ronda.core.schedule``; decision 0016, "Periodic jobs").

``planning.weekly_digest``: on Monday mornings, from 07:00 in *the municipality's* time zone, each
coordinator and area focal point of a plan under way gets one plain-text e-mail with the plan's
alerts (``planning.alerts``: measures past their end date, without a recent report, with overdue
milestones, with a budget ahead of their progress) and, for a coordinator, how many figures wait
for their validation. Nothing to say, no e-mail.

The scheduler's daily jobs run at one wall-clock time in one zone, and one deployment serves
municipalities in several (Costa Rica, Ecuador, Mexico's zones). So the job runs every hour and
mails each person whose municipality's clock shows Monday, 07:00 or later, once a week: the outbox
row of this kind queued to them since that Monday's midnight (their municipality's) is the guard,
the skipped rows of a person who turned the digest off included. A scheduler down all Monday morning
sends that week's digest at its first run later that Monday; a missed Monday is not replayed.

It goes through the outbox (``notifications.services.queue_email``, kind ``planning.weekly_digest``
declared in ``planning.notifications``): logged, retried, and not sent to whoever turned it (or
every weekly digest) off; in each person's language, with an absolute link (``ronda.core.site``).
It is Ronda's own work (a plain task, ``SYSTEM``); for each person it rebuilds their actor from
each active membership and asks the planning policy again. No child is named: plans hold none.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django_tasks import task

from ronda.core import schedule, site
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.notifications import services as notifications
from ronda.notifications.models import EmailStatus, OutgoingEmail
from ronda.planning import alerts, policies
from ronda.planning import notifications as kinds
from ronda.planning.models import ReportStatus
from ronda.territory.selectors import in_time_zone_of, time_zone_of

if TYPE_CHECKING:
    from ronda.accounts.models import User

DIGEST_WEEKDAY = 0  # Monday
DIGEST_FROM = dt.time(7, 0)
RUN_EVERY = dt.timedelta(hours=1)
DIGEST_ROLES = (Role.COORDINATOR, Role.AREA_FOCAL)
SUBJECT = gettext_noop("Ronda: the local plan's alerts this week")
TITLES = {
    alerts.OVERDUE: gettext_noop("Measures past their end date"),
    alerts.MILESTONE: gettext_noop("Milestones overdue"),
    alerts.BUDGET_AHEAD: gettext_noop("Budget ahead of progress"),
    alerts.STALE: gettext_noop("Measures without a recent progress report"),
}


def _actors_of(user: User) -> list[Actor]:
    from ronda.accounts import selectors as accounts

    return [
        actor_for(user, membership)
        for membership in accounts.active_memberships(user)
        if membership.role in DIGEST_ROLES and membership.org_unit_id is not None
    ]


def week_start(moment: dt.datetime, zone: str) -> dt.datetime | None:
    """Midnight of this Monday in ``zone``, if ``moment`` is a Monday from 07:00 there; else None."""
    local = moment.astimezone(zoneinfo.ZoneInfo(zone))
    if local.weekday() != DIGEST_WEEKDAY or local.time() < DIGEST_FROM:
        return None
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def digest_for(user: User) -> str | None:
    """The digest's text for ``user`` (every plan under way they work on), or None with nothing to say."""
    parts: list[str] = []
    seen: set[tuple[str, int, str]] = set()
    sections: dict[str, list[str]] = {kind: [] for kind in alerts.KIND_ORDER}
    pending = 0
    for actor in _actors_of(user):
        with in_time_zone_of(actor.org_unit):  # "overdue" by the municipality's calendar
            found = alerts.actor_alerts(actor)
        for alert in found:
            key = (alert.kind, alert.measure_id, alert.message)
            if key not in seen:
                seen.add(key)
                sections[alert.kind].append(f"- {alert.measure}: {alert.message}")
        if actor.has_role(Role.COORDINATOR):
            pending += (
                policies.visible_focal_reports(actor)
                .filter(status=ReportStatus.PENDING, plan__org_unit_id=actor.org_unit.pk if actor.org_unit else None)
                .count()
            )
    if not seen and not pending:
        return None
    parts.append(_("The measures of the local plan that need attention this week."))
    if pending:
        parts.append(
            ngettext(
                "%(n)d figure sent by the focal points waits for your validation.",
                "%(n)d figures sent by the focal points wait for your validation.",
                pending,
            )
            % {"n": pending}
        )
    for kind in alerts.KIND_ORDER:
        if sections[kind]:
            parts.append(f"{_(TITLES[kind])}:\n" + "\n".join(sections[kind]))
    # Built by the job, without a request: the link goes through the site's address (RONDA_SITE_URL).
    parts.append(
        _("Open Ronda to report progress, validate figures or update the measures.")
        + "\n"
        + site.absolute_url(reverse("planning:home"))
    )
    return "\n\n".join(parts) + "\n"


def _home_unit_zone(user: User) -> str | None:
    """The time zone of the user's first municipality among their coordinator and focal memberships."""
    for actor in _actors_of(user):
        return time_zone_of(actor.org_unit)
    return None


def send_weekly_digest(*, now: dt.datetime | None = None) -> int:
    """Queue the digest for every coordinator and focal point whose Monday morning it is and who has
    not had it this week; how many e-mails were queued (the outbox sends them)."""
    from ronda.accounts.models import User

    now = now or timezone.now()
    users = (
        User.objects.filter(is_active=True, memberships__is_active=True, memberships__role__in=DIGEST_ROLES)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    queued = 0
    for user in users:
        zone = _home_unit_zone(user)
        start = week_start(now, zone) if zone else None
        if start is None:
            continue
        if OutgoingEmail.objects.filter(kind=kinds.WEEKLY_DIGEST, recipient=user, created_at__gte=start).exists():
            continue
        # Each person's digest in their own language (the site's if they chose none).
        with translation.override(notifications.language_for(user)):
            if not notifications.wants(user, kinds.WEEKLY_DIGEST):
                # Recorded as skipped (and so the week's guard), without building the digest.
                notifications.queue_email(
                    actor=SYSTEM, kind=kinds.WEEKLY_DIGEST, recipient=user, subject=_(SUBJECT), body=""
                )
                continue
            body = digest_for(user)
            if body is None:
                continue
            email = notifications.queue_email(
                actor=SYSTEM, kind=kinds.WEEKLY_DIGEST, recipient=user, subject=_(SUBJECT), body=body
            )
        queued += email.status == EmailStatus.QUEUED
    return queued


@task()
def weekly_digest() -> int:
    """The weekly digest, each municipality on its own Monday morning (the job runs hourly, see above)."""
    return send_weekly_digest()


schedule.register("planning.weekly_digest", weekly_digest, every=RUN_EVERY)
