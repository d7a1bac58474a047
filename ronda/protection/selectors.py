"""What the protection officer's and the supervisor's pages list (issue #12, items 2-4): the
caseload, the measure reviews due and overdue, the urgent measures awaiting a judge's ratification,
the pending gatekeeping records, and the children under three in residential care.

Everything is read through ``policies`` (``visible_files`` and the parts' ``visible_*``), and every
function that returns rows to be shown logs one access event per file shown
(``policies.log_files_shown``, in bulk). ``officer`` narrows a list to the files in that officer's
charge; a protection officer's own lists are their files (``own_files``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, F, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from ronda.core.precompiled import PrecompiledQuery
from ronda.core.roles import Role
from ronda.core.tenancy import Actor
from ronda.protection import policies
from ronda.protection.models import (
    AdoptionAssignment,
    CareSetting,
    DiagnosisEntry,
    FileRight,
    FileStatus,
    FileTransfer,
    Gatekeeping,
    GatekeepingStatus,
    MeasureReview,
    MeasureStatus,
    Placement,
    PlanReview,
    ProtectionFile,
    ProtectiveMeasure,
    ReintegrationVisit,
    RestitutionAction,
    RestitutionPlan,
)
from ronda.territory.selectors import large_columns

if TYPE_CHECKING:
    from ronda.accounts.models import User
    from ronda.cases.models import Child

DUE_SOON_DAYS = 14
CASELOAD_LIMIT = 300
UNDER_THREE = 3
# How long an approved exception for a child under three stays on the supervisors' alerts before
# the child is placed under it.
RECENT_EXCEPTION_DAYS = 30
CASELOAD_PURPOSE = "protection caseload"
WORKLIST_PURPOSE = "protection work list"


def _today() -> dt.date:
    return timezone.localdate()


def initials(child: Child) -> str:
    """The child's initials ("X. B. Q. S."): what a message that must not name the child shows."""
    words = f"{child.first_names} {child.paternal_surname} {child.maternal_surname}".split()
    return " ".join(f"{word[0].upper()}." for word in words if word[0].isalpha()) or "—"


def own_files(actor: Actor, officer: User | None = None) -> User | None:
    """Whose files a list shows: ``officer`` when given, the actor for a protection officer, and
    every file the actor sees (None) for a supervisor."""
    if officer is not None:
        return officer
    return actor.user if actor.role == Role.PROTECTION_OFFICER else None


def _open(files: QuerySet[Any], officer: User | None, prefix: str = "") -> QuerySet[Any]:
    files = files.filter(**{f"{prefix}status": FileStatus.OPEN})
    if officer is not None:
        files = files.filter(**{f"{prefix}officer": officer})
    return files


def _log(actor: Actor, files: Iterable[ProtectionFile], purpose: str) -> None:
    unique = {file.pk: file for file in files}
    if unique:
        policies.log_files_shown(actor, unique.values(), purpose)


# --- The caseload --------------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseloadRow:
    file: ProtectionFile
    # The earliest next review of the file's measures in force (None: no measure in force).
    next_review_on: dt.date | None
    review_overdue: bool
    review_due_soon: bool
    ratification_overdue: bool
    gatekeeping_overdue: bool
    current_placement: Placement | None

    @property
    def current_setting(self) -> str:
        return self.current_placement.setting if self.current_placement is not None else ""

    @property
    def current_setting_label(self) -> str:
        return str(CareSetting(self.current_setting).label) if self.current_setting else ""

    @property
    def needs_attention(self) -> bool:
        return self.review_overdue or self.ratification_overdue or self.gatekeeping_overdue


def caseload_files(
    files: QuerySet[ProtectionFile], actor: Actor, *, officer: User | None = None
) -> QuerySet[ProtectionFile]:
    """``files`` (the actor's visible files, or some of them) narrowed to the caseload's: open, and
    the officer's own (``own_files``). Plain, for counting."""
    return _open(files, own_files(actor, officer))


def caseload_queryset(actor: Actor, *, officer: User | None = None) -> QuerySet[ProtectionFile]:
    """The open files of the caseload with the figures of each row (not logged)."""
    today = _today()
    overdue_ratification = ProtectiveMeasure.objects.filter(
        file_id=OuterRef("pk"),
        status=MeasureStatus.ACTIVE,
        ratification_due_on__lt=today,
        ratified_on__isnull=True,
    )
    overdue_gatekeeping = Gatekeeping.objects.filter(
        file_id=OuterRef("pk"), status=GatekeepingStatus.PENDING, due_on__lt=today
    )
    current = policies.visible_placements(actor).filter(end_on__isnull=True).select_related("facility")
    return (
        caseload_files(policies.visible_files(actor), actor, officer=officer)
        .select_related(*policies.WITH_FILE)
        .defer(*policies.LARGE_FILE_COLUMNS)
        .annotate(
            next_review=Min("measures__next_review_on", filter=Q(measures__status=MeasureStatus.ACTIVE)),
            ratification_overdue=Exists(overdue_ratification),
            gatekeeping_overdue=Exists(overdue_gatekeeping),
        )
        .prefetch_related(Prefetch("placements", queryset=current, to_attr="current_placements"))
        .order_by(F("next_review").asc(nulls_last=True), "id")
    )


def caseload(actor: Actor, *, officer: User | None = None, limit: int = CASELOAD_LIMIT) -> list[CaseloadRow]:
    """The open files of ``officer`` (a protection officer: their own; a supervisor: all they see),
    the next review due first, with their overdue flags and where the child lives now."""
    today = _today()
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    files = list(caseload_queryset(actor, officer=officer)[:limit])
    _log(actor, files, CASELOAD_PURPOSE)
    rows = []
    for file in files:
        next_review_on = file.next_review  # type: ignore[attr-defined]
        placements = file.current_placements  # type: ignore[attr-defined]
        rows.append(
            CaseloadRow(
                file=file,
                next_review_on=next_review_on,
                review_overdue=next_review_on is not None and next_review_on < today,
                review_due_soon=next_review_on is not None and today <= next_review_on <= soon,
                ratification_overdue=file.ratification_overdue,  # type: ignore[attr-defined]
                gatekeeping_overdue=file.gatekeeping_overdue,  # type: ignore[attr-defined]
                current_placement=placements[0] if placements else None,
            )
        )
    return rows


# --- The file's page -----------------------------------------------------------------------------
@dataclass(frozen=True)
class FilePage:
    """Every part of one file its page shows, as lists (each part's usual order)."""

    plan: RestitutionPlan | None
    actions: list[RestitutionAction]
    plan_reviews: list[PlanReview]
    diagnosis: list[DiagnosisEntry]
    rights: list[FileRight]
    measures: list[ProtectiveMeasure]
    measure_reviews: list[MeasureReview]
    gatekeepings: list[Gatekeeping]
    placements: list[Placement]
    follow_up_visits: list[ReintegrationVisit]
    transfers: list[FileTransfer]
    adoption_assignments: list[AdoptionAssignment]


def _by_file(model: type[Any], *related: str, file: str = "file") -> PrecompiledQuery[Any]:
    return PrecompiledQuery(lambda file_id: model.objects.filter(**{f"{file}_id": file_id}).select_related(*related))


# A dozen small queries of one file: their SQL written once per process thread (``ronda.core.precompiled``),
# the ORM's compiler cost more than PostgreSQL's answer.
_FILE_PAGE_READS = {
    "plan": _by_file(RestitutionPlan, "approved_by"),
    "actions": _by_file(RestitutionAction, "institution", file="plan__file"),
    "plan_reviews": _by_file(PlanReview, "reviewed_by", file="plan__file"),
    "diagnosis": _by_file(DiagnosisEntry, "assessed_by"),
    "rights": _by_file(FileRight),
    "measures": _by_file(ProtectiveMeasure, "type", "recorded_by"),
    "measure_reviews": _by_file(MeasureReview, "reviewed_by", file="measure__file"),
    "gatekeepings": _by_file(Gatekeeping, "exception_approved_by"),
    "placements": _by_file(Placement, "facility", "foster_family", "adopter", "gatekeeping", "measure"),
    "follow_up_visits": _by_file(ReintegrationVisit, file="placement__file"),
    "transfers": _by_file(FileTransfer, "from_office", "to_office", "from_officer", "to_officer"),
    "adoption_assignments": _by_file(AdoptionAssignment, "adopter", "decided_by"),
}


_PLAN_PARTS = ("actions", "plan_reviews")


def file_page(actor: Actor, file: ProtectionFile) -> FilePage:
    """The parts of ``file`` for its page, for a reader who reached it through ``policies.get_file``
    (``policies.parts_of`` checks it again: 404). A file without a plan reads no plan actions."""
    policies.parts_of(actor, file)
    read = {name: query.fetch(file.pk) for name, query in _FILE_PAGE_READS.items() if name not in _PLAN_PARTS}
    plans = read.pop("plan")
    planned = {name: _FILE_PAGE_READS[name].fetch(file.pk) if plans else [] for name in _PLAN_PARTS}
    return FilePage(plan=plans[0] if plans else None, **read, **planned)


# --- Work lists (querysets for alerts and the digest; the public lists log what they show) -------
def _measures(actor: Actor, officer: User | None) -> QuerySet[ProtectiveMeasure]:
    return _open(policies.visible_measures(actor), officer, "file__").filter(status=MeasureStatus.ACTIVE)


def _with_file(queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.select_related("file__child", "file__municipality").defer(*large_columns("file__municipality"))


def due_reviews_queryset(
    actor: Actor, *, within_days: int = DUE_SOON_DAYS, officer: User | None = None
) -> QuerySet[ProtectiveMeasure]:
    today = _today()
    return (
        _with_file(_measures(actor, officer))
        .select_related("type")
        .filter(next_review_on__gte=today, next_review_on__lte=today + dt.timedelta(days=within_days))
        .order_by("next_review_on", "id")
    )


def overdue_reviews_queryset(actor: Actor, *, officer: User | None = None) -> QuerySet[ProtectiveMeasure]:
    return (
        _with_file(_measures(actor, officer))
        .select_related("type")
        .filter(next_review_on__lt=_today())
        .order_by("next_review_on", "id")
    )


def overdue_ratifications_queryset(actor: Actor, *, officer: User | None = None) -> QuerySet[ProtectiveMeasure]:
    return (
        _with_file(_measures(actor, officer))
        .select_related("type")
        .filter(ratification_due_on__lt=_today(), ratified_on__isnull=True)
        .order_by("ratification_due_on", "id")
    )


def pending_gatekeepings_queryset(actor: Actor, *, officer: User | None = None) -> QuerySet[Gatekeeping]:
    return (
        _with_file(_open(policies.visible_gatekeepings(actor), officer, "file__"))
        .filter(status=GatekeepingStatus.PENDING)
        .order_by("due_on", "id")
    )


def under_three_in_residential_list(actor: Actor, *, officer: User | None = None) -> list[Placement]:
    """The current residential placements of children under three today (not logged)."""
    today = _today()
    candidates = (
        _with_file(_open(policies.visible_placements(actor), officer, "file__"))
        .select_related("facility", "gatekeeping__exception_approved_by")
        .filter(end_on__isnull=True, setting=CareSetting.RESIDENTIAL)
        # Who was three or more on entry is not under three now; an unknown age is checked below.
        .filter(Q(age_on_entry__lt=UNDER_THREE) | Q(age_on_entry__isnull=True))
        .order_by("start_on", "id")
    )
    return [p for p in candidates if (age := p.file.child.age_on(today)) is not None and age < UNDER_THREE]


def approved_exceptions_queryset(
    actor: Actor, *, officer: User | None = None, within_days: int = RECENT_EXCEPTION_DAYS
) -> QuerySet[Gatekeeping]:
    """Exceptions for a child under three approved in the last ``within_days`` whose child is not
    in residential care under them yet (once placed, ``under_three_in_residential`` shows them)."""
    since = timezone.now() - dt.timedelta(days=within_days)
    placed = Placement.objects.filter(gatekeeping_id=OuterRef("pk"), end_on__isnull=True)
    return (
        _with_file(_open(policies.visible_gatekeepings(actor), officer, "file__"))
        .select_related("exception_approved_by")
        .filter(exception_approved_by__isnull=False, exception_approved_at__gte=since)
        .exclude(Exists(placed))
        .order_by("exception_approved_at", "id")
    )


def _shown(actor: Actor, rows: list[Any], purpose: str = WORKLIST_PURPOSE) -> list[Any]:
    _log(actor, (row.file for row in rows), purpose)
    return rows


def due_reviews(
    actor: Actor, *, within_days: int = DUE_SOON_DAYS, officer: User | None = None
) -> list[ProtectiveMeasure]:
    """The measures in force whose review falls due within ``within_days`` (today included)."""
    return _shown(actor, list(due_reviews_queryset(actor, within_days=within_days, officer=own_files(actor, officer))))


def overdue_reviews(actor: Actor, *, officer: User | None = None) -> list[ProtectiveMeasure]:
    """The measures in force whose review day has passed without a review."""
    return _shown(actor, list(overdue_reviews_queryset(actor, officer=own_files(actor, officer))))


def overdue_ratifications(actor: Actor, *, officer: User | None = None) -> list[ProtectiveMeasure]:
    """The urgent measures in force not ratified by a judge within the type's days."""
    return _shown(actor, list(overdue_ratifications_queryset(actor, officer=own_files(actor, officer))))


def pending_gatekeepings(actor: Actor, *, officer: User | None = None) -> list[Gatekeeping]:
    """The gatekeeping records of emergency entries still pending, the first due first (those
    with ``due_on`` before today are overdue)."""
    return _shown(actor, list(pending_gatekeepings_queryset(actor, officer=own_files(actor, officer))))


def under_three_in_residential(actor: Actor, *, officer: User | None = None) -> list[Placement]:
    """The children under three who live in residential care today (the target is none)."""
    return _shown(actor, under_three_in_residential_list(actor, officer=own_files(actor, officer)))
