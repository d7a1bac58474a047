"""Making and removing the links between the planning cycle's records and the plan's measures,
audited in the same transaction. ``SYSTEM`` (the demo loader) links without a policy; a person is
checked against ``links.policies`` (the record's own manager, a measure they read)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ronda.core import audit
from ronda.core.errors import Errors, check_length
from ronda.core.tenancy import Acting, is_person
from ronda.links import policies
from ronda.links.models import SOURCE_FIELD, MeasureLink
from ronda.planning.models import Measure

NOTE_LIMIT = 500


def _require_linker(actor: Acting, source: policies.Source) -> None:
    if is_person(actor) and not policies.can_link(actor, source):
        raise PermissionDenied


@transaction.atomic
def link_measure(*, actor: Acting, source: policies.Source, measure: Measure | None, note: str = "") -> MeasureLink:
    """Tie ``source`` (an agenda item, an agreement, a council request) to ``measure``."""
    _require_linker(actor, source)
    errors = Errors()
    municipality = policies.municipality_of(source)
    note = (note or "").strip()
    check_length(errors, "note", note, NOTE_LIMIT)
    if measure is None:
        errors.add("measure", _("Choose a measure of this municipality's plan."))
    elif measure.plan.org_unit_id != municipality.pk:
        errors.add("measure", _("The measure belongs to another municipality's plan."))
    elif is_person(actor) and not policies.candidate_measures(actor, source).filter(pk=measure.pk).exists():
        errors.add("measure", _("Choose a measure of this municipality's plan."))
    errors.raise_if_any()
    assert measure is not None
    kind = policies.kind_of(source)
    field = SOURCE_FIELD[kind]
    if MeasureLink.objects.filter(measure=measure, **{field: source}).exists():
        raise ValidationError({"measure": _("This measure is already linked.")})
    link = MeasureLink(
        kind=kind,
        measure=measure,
        note=note,
        org_unit=municipality,
        created_by=actor.user if is_person(actor) else None,
        **{field: source},
    )
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:
        # Two people linked the same pair at the same moment: one link, and a clear answer.
        raise ValidationError({"measure": _("This measure is already linked.")}) from None
    audit.record_create(actor=actor, target=link, org_unit=municipality)
    return link


@transaction.atomic
def unlink(*, actor: Acting, link: MeasureLink) -> None:
    source = policies.source_of(link)
    _require_linker(actor, source)
    audit.record_delete(actor=actor, target=link, org_unit=link.org_unit)
    link.delete()
