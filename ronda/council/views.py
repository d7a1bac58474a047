"""The children's council on the web. Thin views: policy, form, service or selector, template.

Pages about one council take it from ``?consejo=<id>``; people who act in one municipality
(coordinators, municipal analysts, focal points) get their own council without it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ronda.core.errors import ConflictError
from ronda.core.tenancy import Actor, get_object_or_404_scoped
from ronda.core.views_helpers import actor_required, get_actor
from ronda.council import policies, selectors, services
from ronda.council.forms import (
    AccountabilityForm,
    CouncilForm,
    MemberForm,
    RequestForm,
    SessionForm,
    TransitionForm,
    show_name_confirmation,
)
from ronda.council.models import (
    ANSWERED_REQUEST_STATUSES,
    OPEN_REQUEST_STATUSES,
    AccountabilitySession,
    ChildrenCouncil,
    CouncilMember,
    CouncilRequest,
    CouncilRequestQuerySet,
    CouncilSession,
    RequestKind,
    RequestStatus,
)
from ronda.territory.models import Area, Level, OrgUnit


def _apply_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _selected_council(
    request: HttpRequest, actor: Actor, councils: QuerySet[ChildrenCouncil]
) -> ChildrenCouncil | None:
    """The council named by ``?consejo=`` (404 if not visible), else the actor's own municipality's."""
    raw = request.GET.get("consejo")
    if raw:
        return get_object_or_404_scoped(councils, pk=raw)
    unit = actor.org_unit
    if unit is not None and unit.level == Level.MUNICIPALITY:
        return councils.filter(org_unit=unit).first()
    return None


def _council_url(name: str, council: ChildrenCouncil) -> str:
    return f"{reverse(name)}?consejo={council.pk}"


def _council_context(actor: Actor, council: ChildrenCouncil, tab: str) -> dict[str, Any]:
    return {
        "council": council,
        "tab": tab,
        "can_manage": policies.can_manage_council(actor, council),
        "can_view_members": policies.can_view_members_of(actor, council),
        "can_view_council": policies.can_view_councils(actor),
    }


def _requires_council(request: HttpRequest, actor: Actor) -> ChildrenCouncil | None:
    return _selected_council(request, actor, policies.visible_councils(actor))


# --- Overview -------------------------------------------------------------------------
@actor_required(policies.can_view_councils)
def overview(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    councils = policies.visible_councils(actor)
    council = _selected_council(request, actor, councils)
    if council is None:
        return _council_index(request, actor, councils)
    today = timezone.localdate()
    year_ago = today - dt.timedelta(days=365)
    requests = CouncilRequest.objects.filter(council=council)
    context = _council_context(actor, council, "overview")
    context.update(
        {
            "today": today,
            "active_members": selectors.active_members(council).count(),
            "age_bands": selectors.members_by_age_band(council),
            "stats": selectors.request_stats(council, year_ago, today),
            "open_count": requests.open().count(),
            "overdue": list(requests.overdue(today).select_related("routed_area").order_by("due_on")[:5]),
            "overdue_count": requests.overdue(today).count(),
            "status_counts": _status_counts(requests),
            "sessions_year": council.sessions.filter(held_on__gte=year_ago).count(),
            "latest_sessions": list(council.sessions.order_by("-held_on", "-id")[:3]),
            "accountability_year": council.accountability_sessions.filter(held_on__gte=year_ago).count(),
            "latest_accountability": council.accountability_sessions.first(),
        }
    )
    return render(request, "council/overview.html", context)


def _status_counts(requests: QuerySet[CouncilRequest]) -> list[tuple[str, str, int]]:
    counts = dict(requests.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return [(value, str(label), counts.get(value, 0)) for value, label in RequestStatus.choices]


def _council_index(request: HttpRequest, actor: Actor, councils: QuerySet[ChildrenCouncil]) -> HttpResponse:
    """No council chosen: compare the councils in scope, or invite to set one up."""
    page = Paginator(councils.order_by("org_unit__name", "id"), 50).get_page(request.GET.get("page"))
    own = actor.org_unit if actor.org_unit is not None and actor.org_unit.level == Level.MUNICIPALITY else None
    context = {
        "page": page,
        "rows": selectors.council_summaries(list(page)),
        "own_municipality": own,
        "can_create": (
            policies.can_create_council(actor, own)
            if own is not None
            else actor.is_admin and policies.can_create_council(actor)
        ),
    }
    return render(request, "council/council_index.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any_council)
def council_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    own = actor.org_unit if actor.org_unit is not None and actor.org_unit.level == Level.MUNICIPALITY else None
    municipalities: QuerySet[OrgUnit] | None = None
    if own is None:
        if not actor.is_admin:
            raise Http404
        municipalities = (
            OrgUnit.objects.filter(level=Level.MUNICIPALITY, children_council__isnull=True)
            .select_related("parent")
            .order_by("name")
        )
    elif ChildrenCouncil.objects.filter(org_unit=own).exists():
        return redirect("council:overview")
    initial: dict[str, Any] = {"response_days": 30}
    if own is not None:
        initial["name"] = _("Children's council of %(municipality)s") % {"municipality": own.name}
    elif request.GET.get("municipio", "").isdigit():
        initial["org_unit"] = int(request.GET["municipio"])
    form = CouncilForm(request.POST or None, initial=initial, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = own or data["org_unit"]
        if not policies.can_create_council(actor, unit):
            raise Http404
        try:
            council = services.create_council(
                actor=actor,
                org_unit=unit,
                name=data["name"],
                established_on=data["established_on"],
                response_days=data["response_days"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The children's council is set up."))
            return redirect(_council_url("council:overview", council))
    return render(request, "council/council_form.html", {"form": form, "council": None, "municipality": own})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any_council)
def council_edit(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    council = _requires_council(request, actor)
    if council is None:
        return redirect("council:overview")
    if not policies.can_manage_council(actor, council):
        raise Http404
    form = CouncilForm(
        request.POST or None,
        initial={
            "name": council.name,
            "established_on": council.established_on,
            "response_days": council.response_days,
            "version": council.version,
        },
    )
    form.fields["version"].required = True  # an edit must say which version it started from
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_council(
                actor=actor,
                council=council,
                expected_version=data["version"],
                name=data["name"],
                established_on=data["established_on"],
                response_days=data["response_days"],
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(_council_url("council:overview", council))
    return render(
        request, "council/council_form.html", {"form": form, "council": council, "municipality": council.org_unit}
    )


# --- Members (children's first names: coordinator and admin only) ------------------------
def _communities(council: ChildrenCouncil) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(
        level=Level.COMMUNITY, path__startswith=council.org_unit.path, is_active=True
    ).order_by("name")


@actor_required(policies.can_view_members)
def member_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    council = _requires_council(request, actor)
    if council is None:
        return redirect("council:overview")
    if not policies.can_view_members_of(actor, council):
        raise Http404
    show = request.GET.get("ver", "activos")
    members = selectors.members_for(actor, council)
    today = timezone.localdate()
    current = Q(left_on__isnull=True) | Q(left_on__gte=today)
    if show == "anteriores":
        members = members.exclude(current)
    elif show != "todos":
        show = "activos"
        members = members.filter(current)
    context = _council_context(actor, council, "members")
    context.update(
        {
            "members": members.order_by("first_name", "id"),
            "show": show,
            "age_bands": selectors.members_by_age_band(council),
            "today": today,
        }
    )
    return render(request, "council/member_list.html", context)


def _member_or_404(actor: Actor, pk: int) -> CouncilMember:
    member = selectors.member_for_edit(actor, pk)
    if not policies.can_manage_council(actor, member.council):
        raise Http404
    return member


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_view_members)
def member_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    council = _requires_council(request, actor)
    if council is None:
        return redirect("council:overview")
    if not policies.can_manage_council(actor, council):
        raise Http404
    form = MemberForm(
        request.POST or None, communities=_communities(council), initial={"joined_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_member(
                actor=actor,
                council=council,
                first_name=data["first_name"],
                age_band=data["age_band"],
                community=data["community"],
                guardian_consent_on=data["guardian_consent_on"],
                joined_on=data["joined_on"],
                left_on=data["left_on"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Member added."))
            return redirect(_council_url("council:member_list", council))
    context = _council_context(actor, council, "members")
    context.update({"form": form, "member": None})
    return render(request, "council/member_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_view_members)
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    member = _member_or_404(actor, pk)
    council = member.council
    form = MemberForm(
        request.POST or None,
        communities=_communities(council),
        initial={
            "first_name": member.first_name,
            "age_band": member.age_band,
            "community": member.community_id,
            "guardian_consent_on": member.guardian_consent_on,
            "joined_on": member.joined_on,
            "left_on": member.left_on,
            "version": member.version,
        },
    )
    form.fields["version"].required = True  # an edit must say which version it started from
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_member(
                actor=actor,
                member=member,
                expected_version=data["version"],
                **{k: data[k] for k in services.MEMBER_EDITABLE},
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(_council_url("council:member_list", council))
    context = _council_context(actor, council, "members")
    context.update({"form": form, "member": member})
    return render(request, "council/member_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_view_members)
def member_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    member = _member_or_404(actor, pk)
    council = member.council
    if request.method == "POST":
        services.remove_member(actor=actor, member=member)
        messages.success(request, _("The member's record was erased."))
        return redirect(_council_url("council:member_list", council))
    context = _council_context(actor, council, "members")
    context["member"] = member
    return render(request, "council/member_confirm_delete.html", context)


# --- Sessions ---------------------------------------------------------------------------
@actor_required(policies.can_view_councils)
def session_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    council = _requires_council(request, actor)
    if council is None:
        return redirect("council:overview")
    sessions = policies.visible_sessions(actor).filter(council=council).annotate(n_requests=Count("requests"))
    context = _council_context(actor, council, "sessions")
    context["page"] = Paginator(sessions.order_by("-held_on", "-id"), 20).get_page(request.GET.get("page"))
    context["query"] = f"consejo={council.pk}"
    return render(request, "council/session_list.html", context)


def _session_or_404(actor: Actor, pk: int) -> CouncilSession:
    session = get_object_or_404_scoped(policies.visible_sessions(actor), pk=pk)
    if not policies.can_manage_council(actor, session.council):
        raise Http404
    return session


def _session_form_view(
    request: HttpRequest, actor: Actor, council: ChildrenCouncil, session: CouncilSession | None
) -> HttpResponse:
    initial: dict[str, Any] = {"held_on": timezone.localdate(), "attendees": 0}
    if session is not None:
        initial = {name: getattr(session, name) for name in services.SESSION_EDITABLE}
        initial["version"] = session.version
    form = SessionForm(request.POST or None, initial=initial)
    if session is not None:
        form.fields["version"].required = True  # an edit must say which version it started from
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in services.SESSION_EDITABLE}
        try:
            if session is None:
                services.record_session(actor=actor, council=council, **fields)
            else:
                services.update_session(actor=actor, session=session, expected_version=data["version"], **fields)
        except ConflictError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Session saved."))
            return redirect(_council_url("council:session_list", council))
    context = _council_context(actor, council, "sessions")
    context.update({"form": form, "session": session})
    return render(request, "council/session_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any_council)
def session_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    council = _requires_council(request, actor)
    if council is None:
        return redirect("council:overview")
    if not policies.can_manage_council(actor, council):
        raise Http404
    return _session_form_view(request, actor, council, None)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any_council)
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    session = _session_or_404(actor, pk)
    return _session_form_view(request, actor, session.council, session)


# --- Requests and proposals -------------------------------------------------------------
def _filter_requests(
    request: HttpRequest, requests: CouncilRequestQuerySet, today: dt.date
) -> tuple[CouncilRequestQuerySet, dict[str, str]]:
    params = request.GET
    filters = {
        "status": params.get("estado", ""),
        "overdue": "1" if params.get("vencidas") == "1" else "",
        "area": params.get("area", ""),
        "kind": params.get("tipo", ""),
        "q": params.get("q", "").strip()[:100],
    }
    if filters["status"] == "abiertas":
        requests = requests.filter(status__in=OPEN_REQUEST_STATUSES)
    elif filters["status"] == "respondidas":
        requests = requests.filter(status__in=ANSWERED_REQUEST_STATUSES)
    elif filters["status"] in RequestStatus.values:
        requests = requests.filter(status=filters["status"])
    else:
        filters["status"] = ""
    if filters["overdue"]:
        requests = requests.overdue(today)
    if filters["area"].isdigit():
        requests = requests.filter(routed_area_id=int(filters["area"]))
    else:
        filters["area"] = ""
    if filters["kind"] in RequestKind.values:
        requests = requests.filter(kind=filters["kind"])
    else:
        filters["kind"] = ""
    if filters["q"]:
        requests = requests.filter(Q(title__icontains=filters["q"]) | Q(description__icontains=filters["q"]))
    session = params.get("sesion", "")
    if session.isdigit():
        requests = requests.filter(session_id=int(session))
    return requests, filters


@actor_required(policies.can_view_requests)
def request_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    council = _selected_council(request, actor, policies.councils_for_requests(actor))
    today = timezone.localdate()
    requests = policies.visible_requests(actor)
    if council is not None:
        requests = requests.filter(council=council)
    overdue_count = requests.overdue(today).count()
    requests, filters = _filter_requests(request, requests, today)
    page = Paginator(requests.order_by("-received_on", "-id"), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    if council is not None:
        areas = Area.objects.filter(org_unit=council.org_unit).order_by("name")
    else:
        areas = Area.objects.filter(pk__in=requests.values("routed_area_id")).order_by("name")
    context: dict[str, Any] = (
        _council_context(actor, council, "requests")
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
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "council/partials/request_results.html", context)
    return render(request, "council/request_list.html", context)


@actor_required(policies.can_view_requests)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    council_request = get_object_or_404_scoped(policies.visible_requests(actor), pk=pk)
    return _render_detail(request, actor, council_request, None)


def _render_detail(
    request: HttpRequest, actor: Actor, council_request: CouncilRequest, form: TransitionForm | None
) -> HttpResponse:
    council = council_request.council
    can_manage = policies.can_manage_request(actor, council_request)
    allowed = services.allowed_transitions(council_request)
    if form is None and can_manage and allowed:
        form = TransitionForm(
            allowed=allowed, initial={"version": council_request.version, "answer": council_request.answer}
        )
    context = _council_context(actor, council, "requests")
    context.update(
        {
            "req": council_request,
            "form": form,
            "can_manage": can_manage,
            "long_sentences": selectors.long_sentences(council_request.answer) if can_manage else 0,
            "short_sentence_words": selectors.SHORT_SENTENCE_WORDS,
            "today": timezone.localdate(),
        }
    )
    return render(request, "council/request_detail.html", context, status=200)


def _request_form(
    request: HttpRequest, council: ChildrenCouncil, council_request: CouncilRequest | None
) -> RequestForm:
    current_area = council_request.routed_area_id if council_request is not None else None
    areas = Area.objects.filter(org_unit=council.org_unit).filter(Q(is_active=True) | Q(pk=current_area))
    initial: dict[str, Any] = {"received_on": timezone.localdate(), "kind": RequestKind.REQUEST}
    with_answer = False
    if council_request is not None:
        initial = {name: getattr(council_request, name) for name in services.REQUEST_EDITABLE}
        initial["routed_area"] = council_request.routed_area_id
        initial["session"] = council_request.session_id
        initial["version"] = council_request.version
        with_answer = council_request.status != RequestStatus.RECEIVED or bool(council_request.answer)
    form = RequestForm(
        request.POST or None,
        initial=initial,
        areas=areas.order_by("name"),
        sessions=council.sessions.order_by("-held_on"),
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


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any_council)
def request_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    council = _requires_council(request, actor)
    if council is None:
        return redirect("council:overview")
    if not policies.can_manage_council(actor, council):
        raise Http404
    form = _request_form(request, council, None)
    if request.method == "POST" and form.is_valid() and not _names_children(form, council, "title", "description"):
        data = form.cleaned_data
        try:
            created = services.create_request(
                actor=actor,
                council=council,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                goal_area=data["goal_area"],
                routed_area=data["routed_area"],
                session=data["session"],
                received_on=data["received_on"],
                due_on=data["due_on"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Request recorded. The answer is due on %(date)s.") % {"date": created.due_on.strftime("%d/%m/%Y")},
            )
            return redirect("council:request_detail", pk=created.pk)
    context = _council_context(actor, council, "requests")
    context.update({"form": form, "req": None})
    return render(request, "council/request_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any_council)
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    council_request = get_object_or_404_scoped(policies.visible_requests(actor), pk=pk)
    if not policies.can_manage_request(actor, council_request):
        raise Http404
    council = council_request.council
    form = _request_form(request, council, council_request)
    if (
        request.method == "POST"
        and form.is_valid()
        and not _names_children(form, council, "title", "description", "answer")
    ):
        data = form.cleaned_data
        fields = {k: data[k] for k in services.REQUEST_EDITABLE if k in data}
        if fields.get("due_on") is None:
            fields["due_on"] = services.default_due_on(council, data["received_on"])
        try:
            services.update_request(
                actor=actor, council_request=council_request, expected_version=data["version"], **fields
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("council:request_detail", pk=council_request.pk)
    context = _council_context(actor, council, "requests")
    context.update({"form": form, "req": council_request})
    return render(request, "council/request_form.html", context)


@require_POST
@actor_required(policies.can_manage_any_council)
def request_transition(request: HttpRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    council_request = get_object_or_404_scoped(policies.visible_requests(actor), pk=pk)
    if not policies.can_manage_request(actor, council_request):
        raise Http404
    council = council_request.council
    form = TransitionForm(request.POST, allowed=services.allowed_transitions(council_request))
    if form.is_valid() and not _names_children(form, council, "answer"):
        data = form.cleaned_data
        try:
            updated = services.transition_request(
                actor=actor,
                council_request=council_request,
                expected_version=data["version"],
                status=data["status"],
                answer=data["answer"],
                on=data["on"],
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Status changed to “%(status)s”.") % {"status": updated.get_status_display()})
            return redirect("council:request_detail", pk=council_request.pk)
    return _render_detail(request, actor, council_request, form)


# --- Accountability sessions --------------------------------------------------------------
@actor_required(policies.can_view_councils)
def accountability_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    council = _requires_council(request, actor)
    if council is None:
        return redirect("council:overview")
    sessions = policies.visible_accountability_sessions(actor).filter(council=council)
    context = _council_context(actor, council, "accountability")
    context["page"] = Paginator(sessions.order_by("-held_on", "-id"), 20).get_page(request.GET.get("page"))
    context["query"] = f"consejo={council.pk}"
    return render(request, "council/accountability_list.html", context)


def _accountability_form_view(
    request: HttpRequest, actor: Actor, council: ChildrenCouncil, session: AccountabilitySession | None
) -> HttpResponse:
    initial: dict[str, Any] = {"held_on": timezone.localdate(), "attendees": 0}
    if session is not None:
        initial = {name: getattr(session, name) for name in services.ACCOUNTABILITY_EDITABLE}
        initial["version"] = session.version
    form = AccountabilityForm(request.POST or None, initial=initial)
    if session is not None:
        form.fields["version"].required = True  # an edit must say which version it started from
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in services.ACCOUNTABILITY_EDITABLE}
        try:
            if session is None:
                services.record_accountability_session(actor=actor, council=council, **fields)
            else:
                services.update_accountability_session(
                    actor=actor, session=session, expected_version=data["version"], **fields
                )
        except ConflictError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Accountability session saved."))
            return redirect(_council_url("council:accountability_list", council))
    context = _council_context(actor, council, "accountability")
    context.update({"form": form, "session": session})
    return render(request, "council/accountability_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any_council)
def accountability_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    council = _requires_council(request, actor)
    if council is None:
        return redirect("council:overview")
    if not policies.can_manage_council(actor, council):
        raise Http404
    return _accountability_form_view(request, actor, council, None)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any_council)
def accountability_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    session = get_object_or_404_scoped(policies.visible_accountability_sessions(actor), pk=pk)
    if not policies.can_manage_council(actor, session.council):
        raise Http404
    return _accountability_form_view(request, actor, session.council, session)
