"""What other apps may read of the links: the public page's "answered by the measure …"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ronda.links.models import LinkKind, MeasureLink

# planning's PlanStatus.DRAFT, by value: this module is read by accountability, which may not reach
# planning's models even through it (.importlinter); links/tests check the two agree.
DRAFT = "draft"


@dataclass(frozen=True)
class PublicMeasure:
    code: str
    title: str
    progress: Decimal
    status_label: str
    note: str


def public_answers(request_ids: Iterable[int]) -> dict[int, list[PublicMeasure]]:
    """For the public page: the measures of an approved plan that answer each council request.

    The caller passes requests it already publishes (answered ones, no personal data); only measures
    of plans that are not drafts are named, as the public page shows only those plans.
    """
    ids = list(request_ids)
    if not ids:
        return {}
    rows = (
        MeasureLink.objects.filter(kind=LinkKind.COUNCIL_REQUEST, council_request_id__in=ids)
        .exclude(measure__plan__status=DRAFT)
        .select_related("measure")
        .order_by("measure__code", "measure_id")
    )
    answers: dict[int, list[PublicMeasure]] = defaultdict(list)
    for link in rows:
        m = link.measure
        assert link.council_request_id is not None
        answers[link.council_request_id].append(
            PublicMeasure(
                code=m.code,
                title=m.title,
                progress=m.progress,
                status_label=str(m.get_status_display()),
                note=link.note,
            )
        )
    return dict(answers)
