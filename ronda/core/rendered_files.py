"""A file a background job renders for a person (a report's PDF): the steps every such file takes.

Asking for the file runs in the request; a worker makes it, acting as the same person again
(``core.jobs``, decision 0016). The domain keeps its own model, policy and layout; the row that
names the file has the fields ``status`` (``RenderStatus``'s values), ``language``, ``file``,
``download_name``, ``created_at`` and ``finished_at``. A ``RenderedFile`` says which model, under
which org unit its audit events go and what the stored file and the log call it, and does the rest::

    REPORTS = RenderedFile(model=Report, org_unit=lambda r: r.org_unit, related=("org_unit",), ...)

    report = REPORTS.request(actor=actor, waiting_in=policies.visible_reports(actor),
                             same={"plan_id": plan.pk}, job=render_job, owner=actor.user)   # in the request
    report = policies.get_report(actor, report_id)                                          # in the job:
    REPORTS.render(actor=actor, row=report, make=lambda: (render_pdf(...), "name.pdf"))     # the policy first

- ``request``: the same request still in progress (asked for less than ``STALE_AFTER`` ago, in the
  same language) is returned; otherwise a pending row is created, audited, and the job enqueued when
  the transaction commits.
- ``render``: pending → running (a second run of the same job does nothing), the domain's ``make``
  in the language asked in, then the file and the row that names it stored together (ready). Anything
  raised on the way fails the row (``mark_failed``) and is raised again for the job to fail.
- ``mark_failed``: the job's ``on_refused`` hook too, as Ronda itself (``SYSTEM``).

Each change of status is an ``update`` event with ``{"status": [before, after]}``; the file's stored
name is random and, like its content, never in the trail.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import pgettext_lazy

from ronda.core import audit, files, jobs
from ronda.core.tenancy import SYSTEM, Acting, Actor

if TYPE_CHECKING:
    from django_tasks.base import Task

    from ronda.territory.models import OrgUnit

    # The job that renders the file: a ``core.jobs.person_job`` taking the row's id after the actor.
    RenderJob = Task[[jobs.ActorPayload, int], Any]

# A file still waiting after this long is taken as lost (a worker stopped, say): asking again
# starts a new one instead of waiting for it.
STALE_AFTER = dt.timedelta(minutes=15)


class RenderStatus(models.TextChoices):
    """The values of a rendered file's ``status`` (each domain's own choices use these values)."""

    PENDING = "pending", pgettext_lazy("report status", "Waiting")
    RUNNING = "running", pgettext_lazy("report status", "Being prepared")
    READY = "ready", pgettext_lazy("report status", "Ready")
    FAILED = "failed", pgettext_lazy("report status", "Failed")


IN_PROGRESS = (RenderStatus.PENDING, RenderStatus.RUNNING)

R = TypeVar("R", bound=models.Model)
# What the domain lays out, as the actor and in the language asked in: the file's bytes and its download name.
Make = Callable[[], tuple[bytes, str]]


@dataclass(frozen=True)
class RenderedFile(Generic[R]):
    """What one domain's rendered file differs in; its methods are the steps they all share."""

    model: type[R]
    # The org unit the row's audit events belong to, read from a row loaded with ``related``.
    org_unit: Callable[[R], OrgUnit | None]
    related: tuple[str, ...]
    # What the trail records of a new request (the fields that say what was asked for).
    audited: tuple[str, ...]
    # The name handed to storage; the model's ``upload_to`` makes the stored name random anyway.
    stored_name: str
    # The domain's logger, and what its log calls the file ("report %s could not be rendered").
    logger: logging.Logger
    what: str = "report"
    stale_after: dt.timedelta = STALE_AFTER

    # --- In the request ------------------------------------------------------------------------
    @transaction.atomic(savepoint=False)
    def request(
        self,
        *,
        actor: Actor,
        waiting_in: QuerySet[R],
        same: Mapping[str, Any],
        job: RenderJob,
        **fields: Any,
    ) -> R:
        """The row asking for the file (``same`` and ``fields`` its values), enqueued on commit; one
        still in progress with the same ``same`` values among ``waiting_in`` is returned instead.

        The domain has asked its policy and checked its input first: nothing here refuses.
        """
        language = translation.get_language() or "es"
        waiting = waiting_in.filter(
            **same,
            language=language,
            status__in=IN_PROGRESS,
            created_at__gte=timezone.now() - self.stale_after,
        ).first()
        if waiting is not None:
            return waiting
        row = self.model._default_manager.create(**same, **fields, language=language)
        # What was asked for; the file does not exist yet.
        audit.record(
            actor=actor,
            action=audit.AuditAction.CREATE,
            target=row,
            org_unit=self.org_unit(row),
            changes=audit.diff({}, audit.snapshot(row, self.audited)),
        )
        jobs.enqueue_on_commit(job, actor, row.pk)
        return row

    # --- In the job ----------------------------------------------------------------------------
    def _locked(self) -> QuerySet[R]:
        # Only the row itself is locked (PostgreSQL would lock the joined org unit too).
        return self.model._default_manager.select_for_update(of=("self",)).select_related(*self.related)

    def _set_status(self, actor: Acting, row: Any, before: str, after: str, *also: str) -> None:
        row.status = after
        fields = [*also, "status"]
        if after != RenderStatus.RUNNING:  # ready or failed: over
            row.finished_at = timezone.now()
            fields.append("finished_at")
        row.save(update_fields=fields)
        audit.record(
            actor=actor,
            action=audit.AuditAction.UPDATE,
            target=row,
            org_unit=self.org_unit(row),
            changes={"status": [before, after]},
        )

    def claim(self, actor: Actor, row: R) -> bool:
        """Pending → running; False when another run already took it (or it is over)."""
        with transaction.atomic():
            locked: Any = self._locked().get(pk=row.pk)
            if locked.status != RenderStatus.PENDING:
                return False
            self._set_status(actor, locked, RenderStatus.PENDING, RenderStatus.RUNNING)
        return True

    def render(self, *, actor: Actor, row: R, make: Make) -> R | None:
        """Make and store the file as ``actor``, whom the domain's policy has just let through.

        None when the row was not waiting (another run took it); the row, ready, otherwise.
        """
        if not self.claim(actor, row):
            return None
        asked: Any = row
        try:
            with translation.override(asked.language):
                content, name = make()
            with transaction.atomic():
                locked: Any = self._locked().get(pk=row.pk)
                # The file and the row that names it are kept or dropped together.
                files.save_in_transaction(locked.file, self.stored_name, content)
                locked.download_name = name
                self._set_status(actor, locked, RenderStatus.RUNNING, RenderStatus.READY, "file", "download_name")
        except Exception:
            self.logger.exception("%s %s could not be rendered", self.what, row.pk)
            self.mark_failed(row.pk)
            raise
        ready: R = locked
        return ready

    def mark_failed(self, row_id: int) -> None:
        """The job could not render the file (or was refused): the page says so and offers to ask again."""
        with transaction.atomic():
            row: Any = self._locked().filter(pk=row_id, status__in=IN_PROGRESS).first()
            if row is not None:
                self._set_status(SYSTEM, row, row.status, RenderStatus.FAILED)
