from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from ronda.core import spreadsheets
from ronda.core.files import private_file_response
from ronda.core.http import as_download
from ronda.core.idempotency import once_per_submission
from ronda.core.uploads import JPEG, PNG
from ronda.core.views_helpers import ActorRequest, actor_required, get_actor, service_errors_on
from ronda.territory import importers, policies, selectors, services
from ronda.territory.forms import AreaForm, IdentityForm, ImportForm, InstitutionForm, OrgUnitForm
from ronda.territory.models import Institution, Level


@actor_required(policies.can_view_territory)
def browse(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    roots = policies.visible_roots(actor)
    if roots.count() == 1:
        return redirect("territory:unit_detail", pk=roots.get().pk)
    return render(
        request,
        "territory/browse.html",
        {
            "roots": roots.annotate(children_count=Count("children")),
            "can_import": policies.can_import_org_units(actor),
        },
    )


@actor_required(policies.can_view_territory)
def unit_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    unit = policies.get_org_unit(actor, pk)
    q = request.GET.get("q", "").strip()
    children = selectors.filter_org_units(unit.children.all(), q=q)
    children = children.annotate(children_count=Count("children")).order_by("name")
    page = Paginator(children, 50).get_page(request.GET.get("page"))
    # Breadcrumbs show only ancestors inside the actor's own scope.
    ancestors = [a for a in unit.ancestors() if actor.covers(a)]
    child_level = unit.level + 1 if unit.level < Level.COMMUNITY else None
    context = {
        "unit": unit,
        "page": page,
        "q": q,
        "ancestors": ancestors,
        "child_level": Level(child_level).label if child_level else None,
        "can_edit": policies.can_edit_org_unit(actor, unit),
        "can_edit_identity": policies.can_edit_identity(actor, unit),
        "can_add_child": child_level is not None and policies.can_create_child(actor, unit, child_level),
        "areas": unit.areas.order_by("name") if unit.level == Level.MUNICIPALITY else None,
        "can_import": policies.can_import_org_units(actor) and unit.level < Level.COMMUNITY,
    }
    if request.htmx:
        return render(request, "territory/partials/children.html", context)
    return render(request, "territory/unit_detail.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_territory)
def unit_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    unit = policies.get_org_unit_for_edit(actor, pk)
    form = OrgUnitForm(
        request.POST or None,
        initial={
            "code": unit.code,
            "name": unit.name,
            "currency": unit.currency,
            "time_zone": unit.time_zone,
            "is_active": unit.is_active,
            "version": unit.version,
        },
    )
    form.fields["version"].required = True  # an edit must say which version it started from
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.update_org_unit(
                actor=actor,
                unit=unit,
                expected_version=data["version"],
                code=data["code"],
                name=data["name"],
                currency=data["currency"],
                time_zone=data["time_zone"],
                is_active=data["is_active"],
            )
            messages.success(request, _("Changes saved."))
            return redirect("territory:unit_detail", pk=unit.pk)
    return render(request, "territory/unit_form.html", {"form": form, "unit": unit, "parent": unit.parent})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_territory)
def identity_edit(request: ActorRequest, pk: int) -> HttpResponse:
    """The municipality's official name, coat of arms and colour (``territory.identity``)."""
    actor = get_actor(request)
    unit = policies.get_unit_for_identity(actor, pk)
    initial = {"official_name": unit.official_name, "colour": unit.colour or "#1d4e89", "version": unit.version}
    form = IdentityForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.set_identity(
                actor=actor,
                unit=unit,
                expected_version=data["version"],
                official_name=data["official_name"],
                colour=data["colour"],
                coat_of_arms=data["coat_of_arms"] or None,
                remove_coat_of_arms=data["remove_coat_of_arms"],
            )
            messages.success(request, _("The municipality's identity is saved."))
            return redirect("territory:unit_detail", pk=unit.pk)
    return render(request, "territory/identity_form.html", {"form": form, "unit": unit})


# A versioned address (``?v=<version>``): browsers and proxies may keep the file for a year.
PUBLIC_CACHE = "public, max-age=31536000, immutable"


@require_http_methods(["GET", "HEAD"])
def coat_of_arms(request: HttpRequest, code: str) -> HttpResponseBase:
    """A municipality's coat of arms: a public symbol, served to anyone (the public pages show it)."""
    unit = selectors.identity_of(code)
    if unit is None or not unit.coat_of_arms:
        raise Http404
    kind = JPEG if unit.coat_of_arms.name.endswith(".jpg") else PNG
    response = private_file_response(request, unit.coat_of_arms, f"escudo-{unit.code}", content_type=kind, inline=True)
    response["Cache-Control"] = PUBLIC_CACHE
    return response


@require_http_methods(["GET", "HEAD"])
def identity_css(request: HttpRequest, code: str) -> HttpResponse:
    """The municipality's colour as a stylesheet (the site's policy allows no inline style)."""
    unit = selectors.identity_of(code)
    if unit is None or not unit.colour:
        raise Http404
    response = HttpResponse(f":root{{--municipal-colour:{unit.colour}}}\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = PUBLIC_CACHE
    return response


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_territory)
@once_per_submission
def unit_create(request: ActorRequest, parent_pk: int) -> HttpResponse:
    actor = get_actor(request)
    parent = policies.get_parent_for_new_unit(actor, parent_pk)
    form = OrgUnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            unit = services.create_org_unit(
                actor=actor,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                level=parent.level + 1,
                parent=parent,
                currency=form.cleaned_data["currency"],
                time_zone=form.cleaned_data["time_zone"],
            )
            messages.success(request, _("Unit created."))
            return redirect("territory:unit_detail", pk=unit.pk)
    return render(
        request,
        "territory/unit_form.html",
        {"form": form, "unit": None, "parent": parent, "level_label": Level(parent.level + 1).label},
    )


# --- Import ---------------------------------------------------------------------------
IMPORT_SESSION_KEY = "ronda_orgunit_import"


IMPORT_MAX_AGE_SECONDS = 24 * 3600


IMPORT_DIR = "imports"


def _staged_name(token: str) -> str:
    return f"{IMPORT_DIR}/{token}.csv"


def _forget_stale_imports() -> None:
    """Checked files nobody confirmed are forgotten after a day. Through the storage API, so that
    on several web machines with object storage the confirming request finds the file wherever the
    checking one ran."""
    cutoff = timezone.now() - datetime.timedelta(seconds=IMPORT_MAX_AGE_SECONDS)
    try:
        _dirs, names = default_storage.listdir(IMPORT_DIR)
    except FileNotFoundError:
        return
    for name in names:
        staged = f"{IMPORT_DIR}/{name}"
        if name.endswith(".csv") and default_storage.get_modified_time(staged) < cutoff:
            default_storage.delete(staged)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_import_org_units)
def unit_import(request: ActorRequest) -> HttpResponse:
    """Step 1: upload and dry run. Step 2 (``confirm``): apply the same file, all or nothing."""
    actor = get_actor(request)
    report = None
    form = ImportForm()
    if request.method == "POST" and "confirm" in request.POST:
        token = request.session.get(IMPORT_SESSION_KEY)
        staged = _staged_name(token) if token else None
        if staged is None or request.POST.get("token") != token or not default_storage.exists(staged):
            messages.error(request, _("The import expired. Upload the file again."))
            return redirect("territory:import")
        with default_storage.open(staged, "rb") as handle:
            data = handle.read()
        report = importers.import_org_units(actor=actor, data=data, apply=True)
        default_storage.delete(staged)
        request.session.pop(IMPORT_SESSION_KEY, None)
        if report.applied:
            messages.success(
                request,
                _("Import applied: %(new)s, %(renamed)s.")
                % {
                    "new": ngettext("%(n)d unit created", "%(n)d units created", report.created)
                    % {"n": report.created},
                    "renamed": ngettext("%(n)d unit updated", "%(n)d units updated", report.updated)
                    % {"n": report.updated},
                },
            )
            return redirect("territory:browse")
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["file"]
            try:
                report = importers.import_org_units(actor=actor, data=data, apply=False)
            except PermissionDenied as exc:
                raise Http404 from exc
            if report.ok:
                token = secrets.token_urlsafe(16)
                _forget_stale_imports()
                default_storage.save(_staged_name(token), ContentFile(data))
                request.session[IMPORT_SESSION_KEY] = token
    return render(
        request,
        "territory/import.html",
        {"form": form, "report": report, "token": request.session.get(IMPORT_SESSION_KEY)},
    )


# --- Areas ----------------------------------------------------------------------------
@actor_required(policies.can_view_territory)
def area_list(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    areas = policies.visible_areas(actor).order_by("org_unit__name", "name")
    page = Paginator(areas, 100).get_page(request.GET.get("page"))
    editable_units = [
        u
        for u in policies.visible_org_units(actor).filter(level=Level.MUNICIPALITY)[:200]
        if policies.can_edit_areas_of(actor, u)
    ]
    return render(request, "territory/area_list.html", {"page": page, "editable_units": editable_units})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_territory)
@once_per_submission
def area_create(request: ActorRequest, unit_pk: int) -> HttpResponse:
    actor = get_actor(request)
    unit = policies.get_municipality_for_areas(actor, unit_pk)
    form = AreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.create_area(
                actor=actor, org_unit=unit, kind=form.cleaned_data["kind"], name=form.cleaned_data["name"]
            )
            messages.success(request, _("Area created."))
            return redirect("territory:area_list")
    return render(request, "territory/area_form.html", {"form": form, "unit": unit, "area": None})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_territory)
def area_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    area = policies.get_area_for_edit(actor, pk)
    form = AreaForm(
        request.POST or None,
        initial={"name": area.name, "kind": area.kind, "is_active": area.is_active, "version": area.version},
    )
    form.fields["version"].required = True  # an edit must say which version it started from
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.update_area(
                actor=actor,
                area=area,
                expected_version=data["version"],
                name=data["name"],
                kind=data["kind"],
                is_active=data["is_active"],
            )
            messages.success(request, _("Changes saved."))
            return redirect("territory:area_list")
    return render(request, "territory/area_form.html", {"form": form, "unit": area.org_unit, "area": area})


# --- Institutions ---------------------------------------------------------------------
@actor_required(policies.can_view_territory)
def institution_list(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    institutions = policies.visible_institutions(actor).prefetch_related("services").order_by("name")
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if q:
        institutions = institutions.filter(
            Q(name__icontains=q) | Q(acronym__icontains=q) | Q(services__name__icontains=q)
        ).distinct()
    if kind:
        institutions = institutions.filter(kind=kind)
    page = Paginator(institutions, 30).get_page(request.GET.get("page"))
    from ronda.territory.models import InstitutionKind

    context = {
        "page": page,
        "q": q,
        "kind": kind,
        "kinds": InstitutionKind.choices,
        "can_create": policies.can_create_institution(actor),
    }
    if request.htmx:
        return render(request, "territory/partials/institution_results.html", context)
    return render(request, "territory/institution_list.html", context)


def _with_services(institutions: QuerySet[Institution]) -> QuerySet[Institution]:
    return institutions.prefetch_related("services", "jurisdiction")


@actor_required(policies.can_view_territory)
def institution_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    institution = policies.get_institution(actor, pk, shape=_with_services)
    return render(
        request,
        "territory/institution_detail.html",
        {"institution": institution, "can_edit": policies.can_edit_institution(actor, institution)},
    )


def _institution_initial(institution: Any) -> dict[str, Any]:
    return {
        "name": institution.name,
        "acronym": institution.acronym,
        "kind": institution.kind,
        "seat_code": institution.org_unit.code,
        "jurisdiction_codes": ", ".join(u.code for u in institution.jurisdiction.all()),
        "services": "\n".join(s.name for s in institution.services.all()),
        "address": institution.address,
        "phone": institution.phone,
        "email": institution.email,
        "website": institution.website,
        "opening_hours": institution.opening_hours,
        "is_active": institution.is_active,
        "version": institution.version,
    }


FIELDS = ("name", "acronym", "kind", "address", "phone", "email", "website", "opening_hours", "is_active")


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_create_institution)
@once_per_submission
def institution_create(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    form = InstitutionForm(request.POST or None, visible_units=policies.visible_org_units(actor))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with service_errors_on(form):
                institution = services.create_institution(
                    actor=actor,
                    seat=data["seat_code"],
                    jurisdiction=data["jurisdiction_codes"],
                    services=data["services"],
                    **{k: data[k] for k in FIELDS},
                )
                messages.success(request, _("Institution registered."))
                return redirect("territory:institution_detail", pk=institution.pk)
        except PermissionDenied:
            # A seat outside the coordinator's municipality: a mistake in the form, not a forbidden page.
            form.add_error("seat_code", _("You cannot register institutions there."))
    return render(request, "territory/institution_form.html", {"form": form, "institution": None})


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_edit_territory)
def institution_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    institution = policies.get_institution_for_edit(actor, pk)
    form = InstitutionForm(
        request.POST or None, initial=_institution_initial(institution), visible_units=policies.visible_org_units(actor)
    )
    form.fields["version"].required = True  # an edit must say which version it started from
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.update_institution(
                actor=actor,
                institution=institution,
                expected_version=data["version"],
                jurisdiction=data["jurisdiction_codes"],
                services=data["services"],
                **{k: data[k] for k in FIELDS},
            )
            messages.success(request, _("Changes saved."))
            return redirect("territory:institution_detail", pk=institution.pk)
    return render(request, "territory/institution_form.html", {"form": form, "institution": institution})


@actor_required(policies.can_import_org_units)
def import_template(request: ActorRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    as_download(response, "unidades.csv")
    spreadsheets.csv_writer(response).writerow(["code", "name", "level", "parent_code"])
    return response
