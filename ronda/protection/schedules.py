"""The protection module's periodic jobs (``ronda.core.schedule``; decision 0016, "Periodic jobs").

- ``protection.weekly_digest``: on Monday mornings (07:00 in ``settings.TIME_ZONE``), each officer
  in charge of open protection files gets one plain-text e-mail, in their language, with their files'
  overdue measure reviews, overdue ratifications and pending gatekeeping records. The job is
  declared daily and sends on Mondays only: the scheduler's weekly slots are aligned on
  1 January 2000, a Saturday at midnight UTC (a Friday evening in the Americas), and a digest is
  read at the start of the week.

- ``protection.refresh_figures``: every 10 minutes, the figures of alternative care of the current
  year counted again for every country and kept (``protection.figures``): the deinstitutionalisation
  dashboard reads them instead of counting a country's placements for each page.

The digest goes through the outbox (``notifications.services.queue_email``, kind
``protection.weekly_digest`` declared in ``protection.notifications``): it is logged, retried when
the mail server fails, and not sent to an officer who turned it (or every weekly digest) off.

An e-mail leaves Ronda: it names no child, only the file number and the child's initials, and
holds none of the file's texts. It is Ronda's own work (a plain task); for each officer it rebuilds
their actor from each of their active memberships and asks the policy again, so a file they no
longer work on is not in their mail, and each file mailed is logged as read by them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from ronda.core import schedule, site
from ronda.core.tenancy import SYSTEM, Actor, actor_for
from ronda.notifications import services as notifications
from ronda.notifications.models import EmailStatus
from ronda.protection import figures, policies, selectors
from ronda.protection import notifications as kinds
from ronda.protection.models import CareSetting, FileStatus, ProtectionFile

if TYPE_CHECKING:
    from ronda.accounts.models import User

DIGEST_WEEKDAY = 0  # Monday
DIGEST_AT = dt.time(7, 0)
DIGEST_PURPOSE = "protection weekly digest"
SUBJECT = gettext_noop("Ronda: your protection files this week")


def _day(value: dt.date | None) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value is not None else ""


def _actors_of(user: User) -> list[Actor]:
    """The user's actors that work on protection files (the job proves no second factor: it mails
    the officer in charge their own files, by number and initials only)."""
    from ronda.accounts import selectors as accounts

    return [
        actor_for(user, membership, second_factor=True)
        for membership in accounts.active_memberships(user)
        if membership.role in policies.FILE_WORKERS
    ]


def _line(file: ProtectionFile, text: str) -> str:
    return f"- {file.number} ({selectors.initials(file.child)}): {text}"


def digest_for(user: User) -> tuple[str, list[ProtectionFile]] | None:
    """The digest's text for ``user`` and the files it names, or None when nothing needs them."""
    sections: dict[str, list[str]] = defaultdict(list)
    files: dict[int, tuple[Actor, ProtectionFile]] = {}
    seen: set[tuple[str, int]] = set()
    for actor in _actors_of(user):
        officer = actor.user
        for measure in selectors.overdue_reviews_queryset(actor, officer=officer):
            if ("review", measure.pk) not in seen:
                seen.add(("review", measure.pk))
                files.setdefault(measure.file_id, (actor, measure.file))
                sections["review"].append(
                    _line(
                        measure.file,
                        _("%(type)s, review due on %(day)s")
                        % {"type": measure.type.name, "day": _day(measure.next_review_on)},
                    )
                )
        for measure in selectors.overdue_ratifications_queryset(actor, officer=officer):
            if ("ratification", measure.pk) not in seen:
                seen.add(("ratification", measure.pk))
                files.setdefault(measure.file_id, (actor, measure.file))
                sections["ratification"].append(
                    _line(
                        measure.file,
                        _("%(type)s, ratification due on %(day)s")
                        % {"type": measure.type.name, "day": _day(measure.ratification_due_on)},
                    )
                )
        for gatekeeping in selectors.pending_gatekeepings_queryset(actor, officer=officer):
            if ("gatekeeping", gatekeeping.pk) not in seen:
                seen.add(("gatekeeping", gatekeeping.pk))
                files.setdefault(gatekeeping.file_id, (actor, gatekeeping.file))
                sections["gatekeeping"].append(
                    _line(
                        gatekeeping.file,
                        _("%(setting)s, record due on %(day)s")
                        % {"setting": CareSetting(gatekeeping.setting).label, "day": _day(gatekeeping.due_on)},
                    )
                )
    if not files:
        return None
    titles = {
        "review": _("Measure reviews overdue"),
        "ratification": _("Urgent measures not ratified by a judge in time"),
        "gatekeeping": _("Gatekeeping records of emergency entries still pending"),
    }
    parts = [_("These protection files in your charge need your attention this week.")]
    for key, title in titles.items():
        if sections[key]:
            parts.append(f"{title}:\n" + "\n".join(sections[key]))
    # Built by the job, without a request: the link goes through the site's address (RONDA_SITE_URL).
    parts.append(
        _(
            "Open Ronda to record what is missing. For the children's privacy this message names no child: "
            "only the file numbers and the children's initials."
        )
        + "\n"
        + site.absolute_url(reverse("protection:file_list"))
    )
    for actor, group in _by_actor(files.values()).items():
        policies.log_files_shown(actor, group, DIGEST_PURPOSE)
    return "\n\n".join(parts) + "\n", [file for _actor, file in files.values()]


def _by_actor(pairs: Iterable[tuple[Actor, ProtectionFile]]) -> dict[Actor, list[ProtectionFile]]:
    grouped: dict[Actor, list[ProtectionFile]] = defaultdict(list)
    for actor, file in pairs:
        grouped[actor].append(file)
    return grouped


def send_weekly_digest() -> int:
    """Queue this week's digest for every officer in charge of open files with something overdue or
    pending who wants it; how many e-mails were queued (the outbox sends them)."""
    from ronda.accounts.models import User

    officer_ids = ProtectionFile.objects.filter(status=FileStatus.OPEN).values("officer_id")
    queued = 0
    for user in User.objects.filter(pk__in=officer_ids, is_active=True).exclude(email="").order_by("pk"):
        # Each officer's digest in their own language (the site's if they chose none).
        with translation.override(notifications.language_for(user)):
            # Asked before the digest is built, so that no file is logged as read for an officer who
            # turned it off; the outbox records the skipped digest (without its text).
            if not notifications.wants(user, kinds.WEEKLY_DIGEST):
                notifications.queue_email(
                    actor=SYSTEM, kind=kinds.WEEKLY_DIGEST, recipient=user, subject=_(SUBJECT), body=""
                )
                continue
            digest = digest_for(user)
            if digest is None:
                continue
            body, _files = digest
            email = notifications.queue_email(
                actor=SYSTEM,
                kind=kinds.WEEKLY_DIGEST,
                recipient=user,
                subject=_(SUBJECT),
                body=body,
            )
        queued += email.status == EmailStatus.QUEUED
    return queued


@task()
def weekly_digest() -> int:
    """The weekly digest, on the digest's weekday only (the job is declared daily, see above)."""
    if timezone.localdate().weekday() != DIGEST_WEEKDAY:
        return 0
    return send_weekly_digest()


schedule.register("protection.weekly_digest", weekly_digest, daily_at=DIGEST_AT)


@task()
def refresh_figures() -> int:
    """The kept figures of alternative care of the current year, counted again (``protection.figures``)."""
    return figures.refresh_current_year()


schedule.register("protection.refresh_figures", refresh_figures, every=figures.REFRESH_EVERY)
