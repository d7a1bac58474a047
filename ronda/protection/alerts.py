"""The alerts of the protection module (issue #12, items 2-4): what the officer's home page and the
supervisor's overview put first, so that no child stays in care longer than a measure allows.

- a measure review overdue (danger) or due within a week (warning);
- an urgent measure not ratified by a judge in time (danger);
- an emergency entry whose gatekeeping record is past its due day (danger), or still pending (warning);
- for supervisors: an exception approved for a child under three (warning, until the child is
  placed under it), and a child under three living in residential care, with who approved the
  exception (danger: the target is none).

A protection officer sees the alerts of the files in their charge; a supervisor those of every
file they see. Alerts name a file by its number and the child by initials; showing them logs one
access event per file (in bulk).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ronda.core.roles import Role
from ronda.core.tenancy import Actor
from ronda.protection import policies, selectors
from ronda.protection.models import CareSetting, ProtectionFile

ALERTS_PURPOSE = "protection alerts"
SOON_DAYS = 7
DANGER = "danger"
WARNING = "warning"
_SEVERITY_ORDER = {DANGER: 0, WARNING: 1}


class Kind:
    REVIEW_OVERDUE = "review_overdue"
    REVIEW_DUE = "review_due"
    RATIFICATION_OVERDUE = "ratification_overdue"
    GATEKEEPING_OVERDUE = "gatekeeping_overdue"
    GATEKEEPING_PENDING = "gatekeeping_pending"
    UNDER_THREE_RESIDENTIAL = "under_three_residential"
    EXCEPTION_APPROVED = "exception_approved"


@dataclass(frozen=True)
class Alert:
    kind: str
    severity: str
    file_id: int
    file_number: str
    initials: str
    message: str
    # The day that was (or is) due; for a child under three, the day they entered care.
    due_on: dt.date | None
    # The measure, gatekeeping record or placement the alert is about.
    target_id: int


def _day(value: dt.date | None) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value is not None else ""


def _alert(kind: str, severity: str, file: ProtectionFile, message: str, due_on: dt.date | None, pk: int) -> Alert:
    return Alert(
        kind=kind,
        severity=severity,
        file_id=file.pk,
        file_number=file.number,
        initials=selectors.initials(file.child),
        message=message,
        due_on=due_on,
        target_id=pk,
    )


def alerts_for(actor: Actor) -> list[Alert]:
    """The actor's alerts, the most serious and the oldest first."""
    if actor.role not in policies.FILE_WORKERS or not policies.can_read_files(actor):
        return []
    today = timezone.localdate()
    officer = selectors.own_files(actor)
    alerts: list[Alert] = []
    shown: dict[int, ProtectionFile] = {}

    def add(kind: str, severity: str, file: ProtectionFile, message: str, due_on: dt.date | None, pk: int) -> None:
        shown[file.pk] = file
        alerts.append(_alert(kind, severity, file, message, due_on, pk))

    for measure in selectors.overdue_reviews_queryset(actor, officer=officer):
        add(
            Kind.REVIEW_OVERDUE,
            DANGER,
            measure.file,
            _("The review of the measure “%(type)s” was due on %(day)s.")
            % {"type": measure.type.name, "day": _day(measure.next_review_on)},
            measure.next_review_on,
            measure.pk,
        )
    for measure in selectors.due_reviews_queryset(actor, within_days=SOON_DAYS, officer=officer):
        add(
            Kind.REVIEW_DUE,
            WARNING,
            measure.file,
            _("The review of the measure “%(type)s” is due on %(day)s.")
            % {"type": measure.type.name, "day": _day(measure.next_review_on)},
            measure.next_review_on,
            measure.pk,
        )
    for measure in selectors.overdue_ratifications_queryset(actor, officer=officer):
        add(
            Kind.RATIFICATION_OVERDUE,
            DANGER,
            measure.file,
            _("The urgent measure “%(type)s” should have been ratified by a judge by %(day)s.")
            % {"type": measure.type.name, "day": _day(measure.ratification_due_on)},
            measure.ratification_due_on,
            measure.pk,
        )
    for gatekeeping in selectors.pending_gatekeepings_queryset(actor, officer=officer):
        setting = CareSetting(gatekeeping.setting).label
        overdue = gatekeeping.due_on is not None and gatekeeping.due_on < today
        if overdue:
            message = _("The gatekeeping record of the emergency entry into %(setting)s was due on %(day)s.")
        else:
            message = _("Complete the gatekeeping record of the emergency entry into %(setting)s by %(day)s.")
        add(
            Kind.GATEKEEPING_OVERDUE if overdue else Kind.GATEKEEPING_PENDING,
            DANGER if overdue else WARNING,
            gatekeeping.file,
            message % {"setting": setting, "day": _day(gatekeeping.due_on)},
            gatekeeping.due_on,
            gatekeeping.pk,
        )
    if actor.role == Role.SUPERVISOR:
        for placement in selectors.under_three_in_residential_list(actor, officer=officer):
            approval = placement.gatekeeping
            approver = approval.exception_approved_by if approval is not None else None
            if approver is not None and approval is not None and approval.exception_approved_at is not None:
                message = _(
                    "A child under three has lived in residential care since %(day)s, by an exception "
                    "approved by %(name)s on %(approved)s."
                ) % {
                    "day": _day(placement.start_on),
                    "name": approver.get_full_name() or approver.get_username(),
                    "approved": _day(timezone.localdate(approval.exception_approved_at)),
                }
            else:
                message = _("A child under three has lived in residential care since %(day)s.") % {
                    "day": _day(placement.start_on)
                }
            add(Kind.UNDER_THREE_RESIDENTIAL, DANGER, placement.file, message, placement.start_on, placement.pk)
        for gatekeeping in selectors.approved_exceptions_queryset(actor, officer=officer):
            approver = gatekeeping.exception_approved_by
            assert approver is not None and gatekeeping.exception_approved_at is not None
            approved_on = timezone.localdate(gatekeeping.exception_approved_at)
            add(
                Kind.EXCEPTION_APPROVED,
                WARNING,
                gatekeeping.file,
                _(
                    "%(name)s approved on %(day)s the exceptional residential care of a child under three; "
                    "the placement has not been recorded yet."
                )
                % {"name": approver.get_full_name() or approver.get_username(), "day": _day(approved_on)},
                approved_on,
                gatekeeping.pk,
            )
    alerts.sort(key=lambda a: (_SEVERITY_ORDER[a.severity], a.due_on or today, a.file_id, a.kind))
    if shown:
        policies.log_files_shown(actor, shown.values(), ALERTS_PURPOSE)
    return alerts
