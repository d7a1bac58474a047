"""The pages of a municipality's self-assessment, programme team and pilot projects. Thin: the policy,
the form, the service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from ronda.core.idempotency import once_per_submission
from ronda.core.views_helpers import ActorRequest, actor_required, flash_errors, get_actor, service_errors_on
from ronda.improvement import charts, policies, selectors, services
from ronda.improvement.forms import (
    ActionForm,
    CriterionForm,
    MemberForm,
    MentorForm,
    PilotForm,
    ProposeForm,
    ResultForm,
    RoundForm,
    ScoresForm,
    StageForm,
    level_field,
)
from ronda.improvement.models import GAP_BELOW, MAX_LEVEL
from ronda.territory.models import OrgUnit


def _overview_url(municipality: OrgUnit) -> str:
    return reverse("improvement:overview", args=[municipality.pk])


@actor_required(policies.can_use)
def index(request: ActorRequest) -> HttpResponse:
    """One municipality goes straight to its page; more (a region, a country) are listed."""
    actor = get_actor(request)
    municipalities = list(policies.visible_municipalities(actor).order_by("path")[:500])
    if len(municipalities) == 1:
        return redirect(_overview_url(municipalities[0]))
    return render(request, "improvement/index.html", {"municipalities": municipalities})


@actor_required(policies.can_use)
def overview(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality(actor, pk)
    today = timezone.localdate()
    compared = selectors.comparison(actor, municipality, limit=2)
    context: dict[str, Any] = {
        "municipality": municipality,
        "latest": compared[-1] if compared else None,
        "previous": compared[-2] if len(compared) > 1 else None,
        "rounds": list(selectors.rounds_of(actor, municipality)[:20]),
        "team": list(selectors.current_team(actor, municipality, today)[:100]),
        "pilots": [(p, selectors.current_stage(p)) for p in selectors.pilots_of(actor, municipality)],
        "names": policies.may_read_names(actor),
        "can_manage": policies.can_manage(actor, municipality),
    }
    return render(request, "improvement/overview.html", context)


# --- The checklist ----------------------------------------------------------------------------------
@actor_required(policies.can_use)
def checklist(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality(actor, pk)
    context = {
        "municipality": municipality,
        "criteria": services.criteria_for(municipality),
        "gap_below": GAP_BELOW,
        "can_manage": policies.can_manage(actor, municipality),
    }
    return render(request, "improvement/checklist.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
@once_per_submission
def criterion_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality_for_edit(actor, pk)
    form = CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.add_criterion(
                actor=actor,
                municipality=municipality,
                dimension=form.cleaned_data["dimension"],
                title=form.cleaned_data["title"],
                levels=form.levels,
            )
            messages.success(request, _("Criterion added to the checklist."))
            return redirect(reverse("improvement:checklist", args=[municipality.pk]))
    context = {"municipality": municipality, "form": form, "criterion": None}
    return render(request, "improvement/criterion_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
def criterion_revise(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    criterion = policies.get_criterion_for_edit(actor, pk)
    municipality = criterion.municipality
    assert municipality is not None
    initial = {"title": criterion.title, **{f"level_{n}": text for n, text in criterion.levels}}
    form = CriterionForm(request.POST or None, initial=initial, revising=True)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.revise_criterion(
                actor=actor, criterion=criterion, title=form.cleaned_data["title"], levels=form.levels
            )
            messages.success(request, _("Criterion revised: the rounds already scored keep the earlier wording."))
            return redirect(reverse("improvement:checklist", args=[municipality.pk]))
    context = {"municipality": municipality, "form": form, "criterion": criterion}
    return render(request, "improvement/criterion_form.html", context)


# --- Rounds -------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
@once_per_submission
def round_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality_for_edit(actor, pk)
    today = timezone.localdate()
    form = RoundForm(
        request.POST or None,
        initial={"held_on": today},
        team=selectors.current_team(actor, municipality, today),
        names=policies.may_read_names(actor),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            assessment = services.create_round(
                actor=actor,
                municipality=municipality,
                held_on=data["held_on"],
                title=data["title"],
                participants=list(data["participants"]),
                other_participants=data["other_participants"],
            )
            messages.success(request, _("Round created: score its criteria now."))
            return redirect(reverse("improvement:round_scores", args=[assessment.pk]))
    return render(request, "improvement/round_form.html", {"municipality": municipality, "form": form})


@actor_required(policies.can_use)
def round_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    assessment = policies.get_round(actor, pk)
    scores = selectors.scores_of(actor, assessment)
    context = {
        "municipality": assessment.municipality,
        "round": assessment,
        "summary": selectors.summaries([assessment])[0],
        "scores": scores,
        "gaps": [s for s in scores if s.is_gap],
        "participants": list(assessment.participants.order_by("programme_role", "id")),
        "names": policies.may_read_names(actor),
        "can_manage": policies.can_manage(actor, assessment.municipality),
        "gap_below": GAP_BELOW,
        "max_level": MAX_LEVEL,
    }
    return render(request, "improvement/round_detail.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
def round_scores(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    assessment = policies.get_round_for_edit(actor, pk)
    criteria = services.scorable_criteria(assessment)
    initial: dict[str, Any] = {"version": assessment.version}
    for score in selectors.scores_of(actor, assessment):
        initial[f"level_{score.criterion_id}"] = str(score.level)
        initial[f"evidence_{score.criterion_id}"] = score.evidence
        initial[f"comment_{score.criterion_id}"] = score.comment
    form = ScoresForm(request.POST or None, initial=initial, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        given = {
            c: services.ScoreInput(data[level_field(c)], data[f"evidence_{c.pk}"], data[f"comment_{c.pk}"])
            for c in criteria
        }
        with service_errors_on(form):
            services.record_scores(actor=actor, assessment=assessment, expected_version=data["version"], scores=given)
            messages.success(request, _("Scores saved."))
            return redirect(reverse("improvement:round_detail", args=[assessment.pk]))
    context = {"municipality": assessment.municipality, "round": assessment, "form": form}
    return render(request, "improvement/round_scores.html", context)


@require_POST
@actor_required(policies.can_manage_any)
def gap_to_opportunity(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    score = policies.get_score_for_edit(actor, pk)
    form = ActionForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            opportunity = services.gap_to_opportunity(actor=actor, score=score)
            messages.success(
                request,
                _("“%(title)s” is now an improvement opportunity of the diagnosis.") % {"title": opportunity.title},
            )
            return redirect(reverse("improvement:round_detail", args=[score.round_id]))
    flash_errors(request, form)
    return redirect(reverse("improvement:round_detail", args=[score.round_id]))


@actor_required(policies.can_use)
def comparison(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality(actor, pk)
    compared = selectors.comparison(actor, municipality)
    title = _("Score per dimension in each round (per cent of the highest level)")
    context = {
        "municipality": municipality,
        "compared": compared,
        "rows": selectors.comparison_rows(compared),
        "chart": charts.rounds_by_dimension(compared, title=title),
        "chart_title": title,
    }
    return render(request, "improvement/comparison.html", context)


# --- The programme team ---------------------------------------------------------------------------
@actor_required(policies.can_use)
def team(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality(actor, pk)
    context = {
        "municipality": municipality,
        "members": list(selectors.team_of(actor, municipality).select_related("user")[:300]),
        "names": policies.may_read_names(actor),
        "today": timezone.localdate(),
        "can_manage": policies.can_manage(actor, municipality),
    }
    return render(request, "improvement/team.html", context)


def _member_values(data: dict[str, Any]) -> dict[str, Any]:
    names = ("full_name", "programme_role", "area", "profile", "email", "from_date", "to_date")
    return {name: data[name] for name in names}


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
@once_per_submission
def member_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality_for_edit(actor, pk)
    form = MemberForm(
        request.POST or None, initial={"from_date": timezone.localdate()}, areas=selectors.areas_of(municipality)
    )
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.add_member(actor=actor, municipality=municipality, **_member_values(form.cleaned_data))
            messages.success(request, _("Team member added."))
            return redirect(reverse("improvement:team", args=[municipality.pk]))
    context = {"municipality": municipality, "form": form, "member": None}
    return render(request, "improvement/member_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
def member_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    member = policies.get_member_for_edit(actor, pk)
    municipality = member.municipality
    initial = {name: getattr(member, name) for name in _member_values(dict.fromkeys(services.MEMBER_EDITABLE))}
    form = MemberForm(
        request.POST or None, initial={**initial, "version": member.version}, areas=selectors.areas_of(municipality)
    )
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.update_member(
                actor=actor,
                member=member,
                expected_version=form.cleaned_data["version"],
                **_member_values(form.cleaned_data),
            )
            messages.success(request, _("Team member saved."))
            return redirect(reverse("improvement:team", args=[municipality.pk]))
    context = {"municipality": municipality, "form": form, "member": member}
    return render(request, "improvement/member_form.html", context)


# --- Pilot projects ------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
@once_per_submission
def pilot_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    municipality = policies.get_municipality_for_edit(actor, pk)
    form = PilotForm(
        request.POST or None,
        team=selectors.current_team(actor, municipality, timezone.localdate()),
        opportunities=selectors.opportunities_for(actor, municipality),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            pilot = services.create_pilot(
                actor=actor,
                municipality=municipality,
                opportunity=data["opportunity"],
                title=data["title"],
                summary=data["summary"],
                team=list(data["team"]),
            )
            messages.success(request, _("Pilot project created, in its design stage."))
            return redirect(reverse("improvement:pilot_detail", args=[pilot.pk]))
    context = {"municipality": municipality, "form": form, "pilot": None}
    return render(request, "improvement/pilot_form.html", context)


@actor_required(policies.can_use)
def pilot_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    pilot = policies.get_pilot(actor, pk)
    context = {
        "municipality": pilot.municipality,
        "pilot": pilot,
        **selectors.pilot_detail(actor, pilot),
        "names": policies.may_read_names(actor),
        "can_manage": policies.can_manage(actor, pilot.municipality),
    }
    return render(request, "improvement/pilot_detail.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
def pilot_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    pilot = policies.get_pilot_for_edit(actor, pk)
    municipality = pilot.municipality
    initial = {
        "title": pilot.title,
        "summary": pilot.summary,
        "narrative": pilot.narrative,
        "team": list(pilot.team.values_list("pk", flat=True)),
        "version": pilot.version,
    }
    form = PilotForm(request.POST or None, initial=initial, team=selectors.team_of(actor, municipality))
    form.fields["version"].required = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.update_pilot(
                actor=actor,
                pilot=pilot,
                expected_version=data["version"],
                title=data["title"],
                summary=data["summary"],
                narrative=data["narrative"],
                team=list(data["team"]),
            )
            messages.success(request, _("Pilot project saved."))
            return redirect(reverse("improvement:pilot_detail", args=[pilot.pk]))
    context = {"municipality": municipality, "form": form, "pilot": pilot}
    return render(request, "improvement/pilot_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
def stage_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    stage = policies.get_stage_for_edit(actor, pk)
    pilot = stage.pilot
    initial = {
        "status": stage.status,
        "starts_on": stage.starts_on,
        "ends_on": stage.ends_on,
        "notes": stage.notes,
        "version": stage.version,
    }
    form = StageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.update_stage(
                actor=actor,
                stage=stage,
                expected_version=data["version"],
                status=data["status"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                notes=data["notes"],
            )
            messages.success(request, _("Stage saved."))
            return redirect(reverse("improvement:pilot_detail", args=[pilot.pk]))
    context = {"municipality": pilot.municipality, "pilot": pilot, "stage": stage, "form": form}
    return render(request, "improvement/stage_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
@once_per_submission
def mentor_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    pilot = policies.get_pilot_for_edit(actor, pk)
    form = MentorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.add_mentor(actor=actor, pilot=pilot, **form.cleaned_data)
            messages.success(request, _("Mentor added."))
            return redirect(reverse("improvement:pilot_detail", args=[pilot.pk]))
    context = {"municipality": pilot.municipality, "pilot": pilot, "form": form}
    return render(request, "improvement/mentor_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
@once_per_submission
def result_create(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    pilot = policies.get_pilot_for_edit(actor, pk)
    form = ResultForm(request.POST or None, indicators=services.usable_indicators(pilot.municipality))
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.link_result(
                actor=actor,
                pilot=pilot,
                indicator=form.cleaned_data["indicator"],
                expected_change=form.cleaned_data["expected_change"],
            )
            messages.success(request, _("Result linked to the indicator."))
            return redirect(reverse("improvement:pilot_detail", args=[pilot.pk]))
    context = {"municipality": pilot.municipality, "pilot": pilot, "form": form}
    return render(request, "improvement/result_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_any)
@once_per_submission
def pilot_propose(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    pilot = policies.get_pilot_for_edit(actor, pk)
    municipality = pilot.municipality
    plans = selectors.draft_plans(actor, municipality)
    form = ProposeForm(
        request.POST or None,
        initial={"titles": pilot.title},
        objectives=selectors.objectives_of(plans),
        areas=selectors.areas_of(municipality),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            measures = services.propose_measures(
                actor=actor,
                pilot=pilot,
                plan=data["objective"].line.plan,
                objective=data["objective"],
                responsible_area=data["responsible_area"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                titles=form.title_list,
            )
            count = len(measures)
            messages.success(
                request,
                ngettext(
                    "%(count)d draft measure added to the plan.", "%(count)d draft measures added to the plan.", count
                )
                % {"count": count},
            )
            return redirect(reverse("improvement:pilot_detail", args=[pilot.pk]))
    context = {"municipality": municipality, "pilot": pilot, "form": form, "plans": plans}
    return render(request, "improvement/propose_form.html", context)
