"""The council's sessions and its accountability sessions (where the municipality answers the children):
two kinds of dated meeting, listed, recorded and edited the same way."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ronda.core.idempotency import once_per_submission
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, service_errors_on
from ronda.council import policies, services
from ronda.council.forms import AccountabilityForm, SessionForm
from ronda.council.models import AccountabilitySession, ChildrenCouncil, CouncilSession
from ronda.council.views.common import (
    council_context,
    council_to_manage,
    council_url,
    edit_initial,
    requires_council,
)


@dataclass(frozen=True)
class _MeetingKind:
    tab: str
    visible: Callable[[Actor], QuerySet[Any]]
    get_for_edit: Callable[[Actor, object], Any]
    list_annotations: Mapping[str, Any]
    form: type[SessionForm] | type[AccountabilityForm]
    editable: tuple[str, ...]
    record: Callable[..., Any]
    update: Callable[..., Any]
    saved: Promise
    list_url: str
    list_template: str
    form_template: str


SESSIONS = _MeetingKind(
    tab="sessions",
    visible=policies.visible_sessions,
    get_for_edit=policies.get_session_for_edit,
    list_annotations={"n_requests": Count("requests")},
    form=SessionForm,
    editable=services.SESSION_EDITABLE,
    record=services.record_session,
    update=services.update_session,
    saved=gettext_lazy("Session saved."),
    list_url="council:session_list",
    list_template="council/session_list.html",
    form_template="council/session_form.html",
)
ACCOUNTABILITY = _MeetingKind(
    tab="accountability",
    visible=policies.visible_accountability_sessions,
    get_for_edit=policies.get_accountability_session_for_edit,
    list_annotations={},
    form=AccountabilityForm,
    editable=services.ACCOUNTABILITY_EDITABLE,
    record=services.record_accountability_session,
    update=services.update_accountability_session,
    saved=gettext_lazy("Accountability session saved."),
    list_url="council:accountability_list",
    list_template="council/accountability_list.html",
    form_template="council/accountability_form.html",
)


def _list_view(request: ActorRequest, kind: _MeetingKind) -> HttpResponse:
    actor = get_actor(request)
    council = requires_council(request, actor)
    if council is None:
        return redirect("council:overview")
    context = council_context(actor, council, kind.tab)
    meetings = kind.visible(actor).filter(council=council).annotate(**kind.list_annotations)
    meetings = meetings.order_by("-held_on", "-id")
    context["page"] = Paginator(meetings, 20).get_page(request.GET.get("page"))
    context["query"] = f"consejo={council.pk}"
    return render(request, kind.list_template, context)


def _create_view(request: ActorRequest, kind: _MeetingKind) -> HttpResponse:
    actor = get_actor(request)
    council = council_to_manage(request, actor)
    if council is None:
        return redirect("council:overview")
    return _form_view(request, actor, council, kind, None)


def _edit_view(request: ActorRequest, kind: _MeetingKind, pk: int) -> HttpResponse:
    actor = get_actor(request)
    meeting = kind.get_for_edit(actor, pk)
    return _form_view(request, actor, meeting.council, kind, meeting)


def _form_view(
    request: ActorRequest,
    actor: Actor,
    council: ChildrenCouncil,
    kind: _MeetingKind,
    meeting: CouncilSession | AccountabilitySession | None,
) -> HttpResponse:
    initial: dict[str, Any] = {"held_on": timezone.localdate(), "attendees": 0}
    if meeting is not None:
        initial = edit_initial(meeting, kind.editable)
    form = kind.form(request.POST or None, initial=initial)
    if meeting is not None:
        form.fields["version"].required = True  # an edit must say which version it started from
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in kind.editable}
        with service_errors_on(form):
            if meeting is None:
                kind.record(actor=actor, council=council, **fields)
            else:
                kind.update(actor=actor, session=meeting, expected_version=data["version"], **fields)
            messages.success(request, str(kind.saved))
            return redirect(council_url(kind.list_url, council))
    context = council_context(actor, council, kind.tab)
    context.update({"form": form, "session": meeting})
    return render(request, kind.form_template, context)


@actor_required(policies.can_view_councils)
def session_list(request: ActorRequest) -> HttpResponse:
    return _list_view(request, SESSIONS)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any_council)
@once_per_submission
def session_create(request: ActorRequest) -> HttpResponse:
    return _create_view(request, SESSIONS)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any_council)
def session_edit(request: ActorRequest, pk: int) -> HttpResponse:
    return _edit_view(request, SESSIONS, pk)


@actor_required(policies.can_view_councils)
def accountability_list(request: ActorRequest) -> HttpResponse:
    return _list_view(request, ACCOUNTABILITY)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any_council)
@once_per_submission
def accountability_create(request: ActorRequest) -> HttpResponse:
    return _create_view(request, ACCOUNTABILITY)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any_council)
def accountability_edit(request: ActorRequest, pk: int) -> HttpResponse:
    return _edit_view(request, ACCOUNTABILITY, pk)
