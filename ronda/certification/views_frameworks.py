"""The frameworks' pages (issue #14 item 1) and the certificate's PDF (item 6). Thin: the policy,
the form, the service.

- **Frameworks**: every reader of certification lists and reads the editions the policy shows
  (published and retired ones; drafts only to whoever may edit them). Whoever may edit a framework
  (``policies.can_edit_framework``) makes a draft edition from a published one, edits its
  requirements and publishes it; a published edition never changes, and its edit page says so with
  the service's refusal.
- **The certificate's PDF**: whoever reads the cycle downloads it (``certificates``). A revoked
  certificate is not printed again: the reader is sent to its public verification page, which says
  it is revoked, with a message that says why there is no PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronda.certification import certificates, policies, rules, services
from ronda.certification.forms_frameworks import EditionForm, RequirementForm
from ronda.certification.models import Framework, FrameworkStatus, Requirement, RequirementKind
from ronda.core import site
from ronda.core.http import as_download
from ronda.core.idempotency import once_per_submission
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ActorRequest, actor_required, flash_errors, get_actor, service_errors_on
from ronda.territory.models import Level, OrgUnit


def _framework_url(framework: Framework) -> str:
    return reverse("certification:framework", args=[framework.pk])


def _country_names(codes: set[str]) -> dict[str, str]:
    """The countries' names by code (a framework names its country by code: see the model)."""
    codes.discard("")
    if not codes:
        return {}
    return dict(OrgUnit.objects.filter(level=Level.COUNTRY, code__in=codes).values_list("code", "name"))


# --- What a requirement asks, in words ---------------------------------------------------------------
@dataclass(frozen=True)
class ParamLine:
    label: str
    value: str
    default: bool  # the rule's default: the requirement does not set it


@dataclass(frozen=True)
class RequirementRow:
    requirement: Requirement
    rule_label: str  # '' when the requirement is not computed
    unknown_rule: bool
    params: list[ParamLine]


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def describe_requirement(requirement: Requirement) -> RequirementRow:
    """The rule a computed requirement names and each of its parameters, with their labels."""
    if requirement.kind != RequirementKind.COMPUTED:
        return RequirementRow(requirement, "", False, [])
    found = rules.get(requirement.rule)
    if found is None:
        return RequirementRow(requirement, requirement.rule, True, [])
    params = requirement.params if isinstance(requirement.params, dict) else {}
    lines = [
        ParamLine(str(spec.label), _value_text(params.get(name, spec.default)), name not in params)
        for name, spec in found.params.items()
    ]
    return RequirementRow(requirement, str(found.label), False, lines)


@dataclass(frozen=True)
class RuleHelp:
    key: str
    label: str
    params: list[tuple[str, str, str, str]]  # name, label, default, range


def rule_help() -> list[RuleHelp]:
    """Every rule a requirement may name, with its parameters: what the edit page lists."""
    found = []
    for key, r in sorted(rules.RULES.items()):
        params = []
        for name, spec in r.params.items():
            if spec.kind is bool:
                allowed = _("true or false")
            else:
                allowed = _("%(min)d to %(max)d") % {"min": spec.minimum, "max": spec.maximum}
            params.append((name, str(spec.label), _value_text(spec.default), allowed))
        found.append(RuleHelp(key, str(r.label), params))
    return found


# --- Frameworks ------------------------------------------------------------------------------------
@require_GET
@actor_required(policies.can_read_certification)
def framework_list(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    frameworks = list(policies.visible_frameworks(actor).order_by("name", "code", "-edition")[:500])
    countries = _country_names({f.country_code for f in frameworks})
    rows = [(f, countries.get(f.country_code, f.country_code)) for f in frameworks]
    context = {"rows": rows, "can_create": policies.can_create_framework(actor)}
    return render(request, "certification/framework_list.html", context)


def _stages(framework: Framework) -> list[tuple[Any, list[RequirementRow]]]:
    stages = framework.stages.order_by("position", "id").prefetch_related(
        Prefetch("requirements", queryset=Requirement.objects.order_by("position", "id"))
    )
    return [(stage, [describe_requirement(r) for r in stage.requirements.all()]) for stage in stages]


@require_GET
@actor_required(policies.can_read_certification)
def framework_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    framework = policies.get_framework(actor, pk)
    can_edit = policies.can_edit_framework(actor, framework)
    visible = policies.visible_frameworks(actor)
    based_on_visible = (
        framework.based_on_id is not None and visible.filter(pk=framework.based_on_id, code=framework.code).exists()
    )
    draft = visible.filter(code=framework.code, status=FrameworkStatus.DRAFT).exclude(pk=framework.pk).first()
    context = {
        "framework": framework,
        "country": _country_names({framework.country_code}).get(framework.country_code, framework.country_code),
        "stages": _stages(framework),
        "categories": list(framework.categories.order_by("position", "id")),
        "based_on": framework.based_on if based_on_visible else None,
        "draft": draft,
        "cycles": policies.visible_cycles(actor).filter(framework=framework).count(),
        "can_edit": can_edit and framework.is_draft,
        "can_draft": can_edit and not framework.is_draft and draft is None,
        "edition_form": EditionForm(initial={"version": framework.version}),
    }
    return render(request, "certification/framework_detail.html", context)


@require_POST
@actor_required(policies.can_create_framework)
@once_per_submission
def framework_new_edition(request: ActorRequest, pk: int) -> HttpResponse:
    """A draft copy of the edition, to change; refused (with the service's message) when the
    framework already has a draft."""
    actor = get_actor(request)
    framework = policies.get_framework_for_edit(actor, pk)
    try:
        draft = services.new_edition(actor=actor, framework=framework)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_framework_url(framework))
    messages.success(
        request, _("Draft edition %(edition)d made: change it, then publish it.") % {"edition": draft.edition}
    )
    return redirect(_framework_url(draft))


def _requirement_of(framework: Framework, requirement_id: int) -> Requirement:
    """One requirement among those of ``framework`` (which the policy gave): 404 for any other."""
    for requirement in framework.requirements.select_related("stage"):
        if requirement.pk == requirement_id:
            requirement.framework = framework
            return requirement
    raise Http404


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_create_framework)
def requirement_edit(request: ActorRequest, pk: int, requirement_id: int) -> HttpResponse:
    """A requirement of a draft edition: its texts, kind, rule and parameters. The framework's
    version guards against two editors; the service checks the rule's parameters."""
    actor = get_actor(request)
    framework = policies.get_framework_for_edit(actor, pk)
    requirement = _requirement_of(framework, requirement_id)
    form = RequirementForm(request.POST or None, initial=RequirementForm.initial_for(requirement))
    # A published edition: the same words the service answers any change of it with (a POST still
    # goes to the service, which refuses it).
    refusal = (
        None
        if framework.is_draft
        else _("A published edition cannot change: cycles are judged by it. Make a new edition and change that one.")
    )
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.update_requirement(
                actor=actor,
                requirement=requirement,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
            messages.success(request, _("Requirement saved."))
            return redirect(_framework_url(framework) + f"#requirement-{requirement.pk}")
    context = {
        "framework": framework,
        "requirement": requirement,
        "form": form,
        "editable": framework.is_draft,
        "refusal": refusal,
        "rules": rule_help() if framework.is_draft else [],
    }
    return render(request, "certification/framework_requirement_form.html", context)


@require_POST
@actor_required(policies.can_create_framework)
def framework_publish(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    framework = policies.get_framework_for_edit(actor, pk)
    form = EditionForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            services.publish_edition(actor=actor, framework=framework, expected_version=form.cleaned_data["version"])
            messages.success(request, _("Edition published: new cycles start on it."))
            return redirect(_framework_url(framework))
    flash_errors(request, form)
    return redirect(_framework_url(framework))


# --- The certificate's PDF ---------------------------------------------------------------------------
def can_read_certificates(actor: Actor | None) -> bool:
    """The readers of certification, and evaluators (who read the cycles assigned to them): which
    certificate is theirs to read is ``policies.visible_certificates``'s answer."""
    return policies.can_read_certification(actor) or policies.is_evaluator(actor)


def _readable_certificate(actor: Actor, pk: int) -> Any:
    # policies has no get_certificate (read): the certificate among those the actor reads, then
    # its cycle through the policy's own getter.
    certificate = policies.visible_certificates(actor).filter(pk=pk).first()
    if certificate is None:
        raise Http404
    certificate.cycle = policies.get_cycle(actor, certificate.cycle_id)
    return certificate


@require_GET
@actor_required(can_read_certificates)
def certificate_pdf(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    certificate = _readable_certificate(actor, pk)
    verify_url = reverse("certification:verify_code", args=[certificate.code])
    if certificate.revoked_on is not None:
        messages.error(
            request,
            _("This certificate was revoked on %(day)s: it can no longer be downloaded.")
            % {"day": date_format(certificate.revoked_on, "DATE_FORMAT")},
        )
        return redirect(verify_url)
    # The QR code names the installation's public address; unset (development without the
    # setting, or a misconfigured production), the address this page was asked at.
    base = "" if site.site_url() else request.build_absolute_uri("/")
    content = certificates.render_certificate_pdf(certificate, base=base)
    response = HttpResponse(content, content_type="application/pdf")
    patch_cache_control(response, private=True, no_store=True)
    return as_download(response, certificates.certificate_filename(certificate), inline=True)
