"""Linking and unlinking from the record's own page (the forms are the slots' panels; errors come back
as a message on that page, in Spanish). The page a form returns to is derived from the record, never
taken from the request."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ronda.coordination.models import AgendaItem, Agreement
from ronda.core.idempotency import once_per_submission
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, id_param
from ronda.links import policies, services
from ronda.links.models import LinkKind

# The URL's words for each kind of record (Spanish paths, like the rest of Ronda's).
KIND_SLUGS = {
    "punto": LinkKind.AGENDA_ITEM,
    "acuerdo": LinkKind.AGREEMENT,
    "solicitud": LinkKind.COUNCIL_REQUEST,
}


def page_of(source: policies.Source) -> str:
    if isinstance(source, AgendaItem):
        return reverse("coordination:meeting_detail", args=[source.meeting_id]) + "#plan-links"
    if isinstance(source, Agreement):
        return reverse("coordination:agreement_detail", args=[source.pk]) + "#plan-links"
    return reverse("council:request_detail", args=[source.pk]) + "#plan-links"


def _say_errors(request: ActorRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _add(request: ActorRequest, source: policies.Source) -> HttpResponse:
    actor = get_actor(request)
    measure_id = id_param(request.POST.get("measure"))
    measure = policies.get_measure_for_link(actor, source, measure_id) if measure_id else None
    try:
        services.link_measure(actor=actor, source=source, measure=measure, note=request.POST.get("note", ""))
    except ValidationError as exc:
        _say_errors(request, exc)
    else:
        messages.success(request, _("The measure is linked."))
    return redirect(page_of(source))


@require_POST
@actor_required(policies.can_manage_links)
@once_per_submission
def add(request: ActorRequest, kind: str, pk: int) -> HttpResponse:
    return _add(request, policies.get_source_for_link(get_actor(request), KIND_SLUGS.get(kind, ""), pk))


@require_POST
@actor_required(policies.can_manage_links)
@once_per_submission
def add_agenda(request: ActorRequest, pk: int) -> HttpResponse:
    """The meeting page's form: the agenda item is chosen in the form, among that meeting's."""
    actor = get_actor(request)
    item = policies.get_agenda_item_for_link(actor, pk, id_param(request.POST.get("item")))
    return _add(request, item)


@require_POST
@actor_required(policies.can_manage_links)
def remove(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    link = policies.get_link_for_removal(actor, pk)
    source = policies.source_of(link)
    services.unlink(actor=actor, link=link)
    messages.success(request, _("The link to the measure was removed."))
    return redirect(page_of(source))
