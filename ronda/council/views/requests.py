"""The council's requests and proposals: list, detail, recording, editing and moving them on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ronda.core.idempotency import once_per_submission
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, id_param, service_errors_on
from ronda.council import policies, readability, selectors, services
from ronda.council.forms import (
    CONFIRM_ANSWER_MISSING,
    RequestForm,
    TransitionForm,
    show_answer_preview,
    show_name_confirmation,
)
from ronda.council.models import (
    ChildrenCouncil,
    CouncilRequest,
    CouncilRequestQuerySet,
    RequestKind,
    RequestStatus,
)
from ronda.council.views.common import (
    council_context,
    council_to_manage,
    edit_initial,
    selected_council,
)
from ronda.territory.models import Area


def _filter_requests(
    request: ActorRequest, requests: CouncilRequestQuerySet, today: dt.date
) -> tuple[CouncilRequestQuerySet, dict[str, str]]:
    params = request.GET
    filters = {
        "status": params.get("estado", ""),
        "overdue": "1" if params.get("vencidas") == "1" else "",
        "area": params.get("area", ""),
        "kind": params.get("tipo", ""),
        "q": params.get("q", "").strip()[:100],
    }
    # The page's own words for the status groups; a value it does not know is no filter.
    group = {"abiertas": "open", "respondidas": "answered"}.get(filters["status"])
    if group is None and filters["status"] not in RequestStatus.values:
        filters["status"] = ""
    if (area_id := id_param(filters["area"])) is None:
        filters["area"] = ""
    if filters["kind"] not in RequestKind.values:
        filters["kind"] = ""
    requests = selectors.filter_requests(
        requests,
        status=filters["status"] if group is None else None,
        status_group=group,
        overdue=True if filters["overdue"] else None,
        routed_area_id=area_id,
        kind=filters["kind"] or None,
        session_id=id_param(params.get("sesion")),
        q=filters["q"],
        today=today,
    )
    return requests, filters


@actor_required(policies.can_view_requests)
def request_list(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    council = selected_council(request, actor, of_requests=True)
    today = timezone.localdate()
    requests = policies.visible_requests(actor)
    if council is not None:
        requests = requests.filter(council=council)
    overdue_count = requests.overdue(today).count()
    requests, filters = _filter_requests(request, requests, today)
    page = Paginator(requests.order_by(*selectors.REQUEST_ORDER), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    if council is not None:
        areas = policies.areas_of(council).order_by("name")
    else:
        areas = Area.objects.filter(pk__in=requests.values("routed_area_id")).order_by("name")
    context: dict[str, Any] = (
        council_context(actor, council, "requests")
        if council is not None
        else {"council": None, "tab": "requests", "can_manage": False, "can_view_council": False}
    )
    context.update(
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "today": today,
            "overdue_count": overdue_count,
            "statuses": RequestStatus.choices,
            "kinds": RequestKind.choices,
            "areas": areas if not actor.has_role("area_focal") else [],
            "is_area_focal": actor.has_role("area_focal"),
            "many_councils": council is None,
        }
    )
    if request.htmx:
        return render(request, "council/partials/request_results.html", context)
    return render(request, "council/request_list.html", context)


@actor_required(policies.can_view_requests)
def request_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    council_request = policies.get_request(actor, pk)
    return _render_detail(request, actor, council_request, None)


def _render_detail(
    request: ActorRequest,
    actor: Actor,
    council_request: CouncilRequest,
    form: TransitionForm | None,
    preview: dict[str, Any] | None = None,
) -> HttpResponse:
    council = council_request.council
    can_manage = policies.can_manage_request(actor, council_request)
    allowed = services.allowed_transitions(council_request)
    if form is None and can_manage and allowed:
        form = TransitionForm(
            allowed=allowed, initial={"version": council_request.version, "answer": council_request.answer}
        )
    check = readability.check_answer(council_request.answer) if can_manage and council_request.answer else None
    context = council_context(actor, council, "requests")
    context.update(
        {
            "req": council_request,
            "form": form,
            "can_manage": can_manage,
            "answer_check": check,
            "long_sentences": len(check.long_sentences) if check else 0,
            "preview": preview,
            "today": timezone.localdate(),
        }
    )
    return render(request, "council/request_detail.html", context, status=200)


def _request_form(
    request: ActorRequest, council: ChildrenCouncil, council_request: CouncilRequest | None
) -> RequestForm:
    current_area = council_request.routed_area_id if council_request is not None else None
    areas = policies.areas_of(council).filter(Q(is_active=True) | Q(pk=current_area))
    initial: dict[str, Any] = {"received_on": timezone.localdate(), "kind": RequestKind.REQUEST}
    with_answer = False
    if council_request is not None:
        initial = edit_initial(council_request, services.REQUEST_EDITABLE)
        initial["routed_area"] = council_request.routed_area_id
        initial["session"] = council_request.session_id
        with_answer = council_request.status != RequestStatus.RECEIVED or bool(council_request.answer)
    form = RequestForm(
        request.POST or None,
        initial=initial,
        areas=areas.order_by("name"),
        sessions=policies.sessions_of(council).order_by("-held_on"),
        response_days=council.response_days,
        with_answer=with_answer,
    )
    if council_request is not None:
        form.fields["version"].required = True  # an edit must say which version it started from
    return form


def _names_children(form: RequestForm | TransitionForm, council: ChildrenCouncil, *fields: str) -> bool:
    """Soft check: warn (once) when a text contains a member's first name."""
    data = form.cleaned_data
    if data.get("confirm_no_names"):
        return False
    for field in fields:
        if field in data and selectors.mentions_member_name(council, data[field]):
            show_name_confirmation(form, field)
            return True
    return False


def _answer_preview(
    form: RequestForm | TransitionForm, council_request: CouncilRequest | None, status: str
) -> dict[str, Any] | None:
    """The step before an answer goes public: the preview with the child-friendly check
    (``readability``). None when the form may be saved: the answer does not go public, or the user
    saw the preview of this very text and, if it warned, ticked the box to publish it anyway."""
    data = form.cleaned_data
    answer = (data.get("answer") or "").strip()
    if council_request is None or not services.publishes_answer(council_request, status, answer):
        return None
    check = readability.check_answer(answer)
    seen = data.get("previewed") == readability.fingerprint(answer)
    if seen and (check.ok or data.get("confirm_answer")):
        return None
    show_answer_preview(form, answer, check)
    if seen:
        form.add_error("confirm_answer", CONFIRM_ANSWER_MISSING)
    return {"text": answer, "check": check}


def _form_view(
    request: ActorRequest, actor: Actor, council: ChildrenCouncil, council_request: CouncilRequest | None
) -> HttpResponse:
    form = _request_form(request, council, council_request)
    preview = None
    if (
        request.method == "POST"
        and form.is_valid()
        and not _names_children(form, council, "title", "description", "answer")  # no answer field on a new one
        and (preview := _answer_preview(form, council_request, council_request.status if council_request else ""))
        is None
    ):
        data = form.cleaned_data
        fields = {k: data[k] for k in services.REQUEST_EDITABLE if k in data}
        if council_request is not None and fields.get("due_on") is None:
            fields["due_on"] = services.default_due_on(council, data["received_on"])
        with service_errors_on(form):
            if council_request is None:
                saved = services.create_request(actor=actor, council=council, **fields)
                message = _("Request recorded. The answer is due on %(date)s.") % {
                    "date": saved.due_on.strftime("%d/%m/%Y")
                }
            else:
                saved = services.update_request(
                    actor=actor,
                    council_request=council_request,
                    expected_version=data["version"],
                    confirm_answer=bool(data.get("confirm_answer")),
                    **fields,
                )
                message = _("Changes saved.")
            messages.success(request, message)
            return redirect("council:request_detail", pk=saved.pk)
    context = council_context(actor, council, "requests")
    context.update({"form": form, "req": council_request, "preview": preview})
    return render(request, "council/request_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any_council)
@once_per_submission
def request_create(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    council = council_to_manage(request, actor)
    if council is None:
        return redirect("council:overview")
    return _form_view(request, actor, council, None)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any_council)
def request_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    council_request = policies.get_request_for_edit(actor, pk)
    return _form_view(request, actor, council_request.council, council_request)


@require_POST
@actor_required(policies.can_manage_any_council)
def request_transition(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    council_request = policies.get_request_for_edit(actor, pk)
    council = council_request.council
    form = TransitionForm(request.POST, allowed=services.allowed_transitions(council_request))
    preview = None
    if (
        form.is_valid()
        and not _names_children(form, council, "answer")
        and (preview := _answer_preview(form, council_request, form.cleaned_data["status"])) is None
    ):
        data = form.cleaned_data
        with service_errors_on(form):
            updated = services.transition_request(
                actor=actor,
                council_request=council_request,
                expected_version=data["version"],
                status=data["status"],
                answer=data["answer"],
                on=data["on"],
                confirm_answer=bool(data.get("confirm_answer")),
            )
            messages.success(request, _("Status changed to “%(status)s”.") % {"status": updated.get_status_display()})
            return redirect("council:request_detail", pk=council_request.pk)
    return _render_detail(request, actor, council_request, form, preview)
