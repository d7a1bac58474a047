"""The recognition cycle's reminders (issue #14 item 2), sent by a daily job (``schedules``):

- **a call closing** in 14 and in 3 days, to the coordinators of each municipality whose candidacy
  in that call is still in preparation (not yet submitted);
- **a recognition expiring** in 90 and in 30 days, and the day after it expired, to the
  municipality's coordinators and to the secretariat over it (whether a renewal has started or not:
  the renewal's own cycle has its own deadlines);
- **an evaluator's report** due in 3 days, and one day late, to the evaluator.

Each goes once (``ReminderSent``: a unique key per object, moment and recipient group), in the
recipient's language, with the link to the page where it is done. Only a ``valid_until`` or a date
is in the text: no figure of the evidence, nothing of a child.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ronda.accounts.models import Membership, User
from ronda.certification.models import Assignment, Certificate, Cycle, CycleStage, ReminderSent
from ronda.certification.notifications import KIND_DEADLINES
from ronda.core import site
from ronda.core.roles import Role
from ronda.core.tenancy import SYSTEM
from ronda.notifications import services as notifications

CALL_DAYS = (14, 3)
EXPIRY_DAYS = (90, 30)
REPORT_DAYS = (3,)
REPORT_LATE_DAYS = 1


def _coordinators(cycle: Cycle) -> list[User]:
    ids = Membership.objects.active().filter(role=Role.COORDINATOR, org_unit_id=cycle.org_unit_id).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _secretariat(cycle: Cycle) -> list[User]:
    parts = [p for p in cycle.org_unit.path.split(".") if p]
    ancestors = [".".join(parts[: i + 1]) + "." for i in range(len(parts))]
    ids = Membership.objects.active().filter(role=Role.SECRETARIAT, org_unit__path__in=ancestors).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _once(cycle: Cycle, key: str) -> bool:
    """Claim ``key``: True the first time, False when it was sent already."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(cycle=cycle, key=key[:80])
    except IntegrityError:
        return False
    return True


def _send(
    cycle: Cycle,
    key: str,
    users: Iterable[User],
    message: tuple[str, str],
    path: str,
    dates: dict[str, dt.date],
) -> int:
    """Queue one e-mail per person, once per ``key``. ``message`` is the (subject, body) in English,
    marked with ``gettext_noop``: each person's copy is translated into their language, its dates
    written in it."""
    users = list(users)
    if not users or not _once(cycle, key):
        return 0
    subject, body = message
    for user in users:
        with translation.override(notifications.language_for(user)):
            values = {
                "municipality": cycle.org_unit.name,
                "framework": cycle.framework.name,
                "link": site.absolute_url(path),
                **{name: date_format(day, "DATE_FORMAT") for name, day in dates.items()},
            }
            notifications.queue_email(
                actor=SYSTEM,
                kind=KIND_DEADLINES,
                recipient=user,
                subject=_(subject) % values,
                body=_(body) % values,
                org_unit=cycle.org_unit,
            )
    return len(users)


CALL_CLOSING = (
    gettext_noop("The call closes on %(date)s: %(framework)s"),
    gettext_noop(
        "The call for candidacies of %(framework)s closes on %(date)s, and the candidacy of %(municipality)s "
        "is not submitted yet.\n\nCheck what is missing and submit it: %(link)s"
    ),
)
EXPIRING = (
    gettext_noop("The recognition of %(municipality)s expires on %(date)s"),
    gettext_noop(
        "The recognition of %(municipality)s under %(framework)s is valid until %(date)s.\n\n"
        "To keep it, start the renewal in time: %(link)s"
    ),
)
EXPIRED = (
    gettext_noop("The recognition of %(municipality)s has expired"),
    gettext_noop(
        "The recognition of %(municipality)s under %(framework)s was valid until %(date)s and has expired.\n\n"
        "The public list no longer shows it as valid. A renewal starts from here: %(link)s"
    ),
)
REPORT_DUE = (
    gettext_noop("Your evaluator's report is due on %(date)s"),
    gettext_noop(
        "Your report on the candidacy of %(municipality)s (%(framework)s) is due on %(date)s.\n\n"
        "Your findings and the report: %(link)s"
    ),
)
REPORT_LATE = (
    gettext_noop("Your evaluator's report was due on %(date)s"),
    gettext_noop(
        "Your report on the candidacy of %(municipality)s (%(framework)s) was due on %(date)s. The secretariat "
        "cannot decide until it is in.\n\nYour findings and the report: %(link)s"
    ),
)


def _cycle_path(cycle: Cycle) -> str:
    return reverse("certification:cycle", args=[cycle.pk])


def send_due_reminders(today: dt.date | None = None) -> int:
    """Every reminder due today; returns the number of e-mails queued."""
    today = today or timezone.localdate()
    queued = 0
    # Calls closing: the candidacies still in preparation.
    closing = [today + dt.timedelta(days=d) for d in CALL_DAYS]
    for cycle in Cycle.objects.filter(
        stage__in=[CycleStage.CANDIDACY, CycleStage.INFO_REQUESTED], call__closes_on__in=closing
    ).select_related("org_unit", "framework", "call"):
        assert cycle.call is not None
        days = (cycle.call.closes_on - today).days
        queued += _send(
            cycle,
            f"call:{cycle.call_id}:cycle:{cycle.pk}:{days}",
            _coordinators(cycle),
            CALL_CLOSING,
            _cycle_path(cycle),
            {"date": cycle.call.closes_on},
        )
    # Recognitions expiring, and expired yesterday (a revoked certificate is no longer a recognition).
    moments = [today + dt.timedelta(days=d) for d in EXPIRY_DAYS]
    yesterday = today - dt.timedelta(days=1)
    for certificate in Certificate.objects.filter(
        Q(valid_until__in=moments) | Q(valid_until=yesterday), revoked_on=None
    ).select_related("cycle__org_unit", "cycle__framework"):
        cycle = certificate.cycle
        expired = certificate.valid_until == yesterday
        days = (certificate.valid_until - today).days
        queued += _send(
            cycle,
            f"expiry:{certificate.pk}:{'expired' if expired else days}",
            [*_coordinators(cycle), *_secretariat(cycle)],
            EXPIRED if expired else EXPIRING,
            _cycle_path(cycle),
            {"date": certificate.valid_until},
        )
    # Evaluators' reports due soon, and late.
    due = [today + dt.timedelta(days=d) for d in REPORT_DAYS]
    late = today - dt.timedelta(days=REPORT_LATE_DAYS)
    for assignment in Assignment.objects.filter(
        Q(due_on__in=due) | Q(due_on=late),
        withdrawn_at=None,
        submitted_at=None,
        cycle__stage__in=[CycleStage.SUBMITTED, CycleStage.IN_REVIEW, CycleStage.INFO_REQUESTED],
    ).select_related("cycle__org_unit", "cycle__framework", "evaluator"):
        assert assignment.due_on is not None
        is_late = assignment.due_on == late
        queued += _send(
            assignment.cycle,
            f"report:{assignment.pk}:{'late' if is_late else (assignment.due_on - today).days}",
            [assignment.evaluator] if assignment.evaluator.is_active else [],
            REPORT_LATE if is_late else REPORT_DUE,
            reverse("certification:assignment", args=[assignment.pk]),
            {"date": assignment.due_on},
        )
    return queued
