"""The anonymous member questionnaire: rounds, answering once, aggregated results."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ronda.coordination import policies, selectors, services
from ronda.coordination.forms import CloseRoundForm, QuestionnaireForm, RoundForm
from ronda.coordination.models import QuestionnaireReceipt, QuestionnaireRound
from ronda.coordination.questionnaire import MIN_ANSWERS_FOR_RESULTS
from ronda.coordination.views.common import body_context, resolve_body
from ronda.core.views_helpers import ActorRequest, actor_required, flash_errors, get_actor, service_errors_on
from ronda.territory.models import Area


def _rounds_url(round_: QuestionnaireRound) -> str:
    return reverse("coordination:round_list") + f"?mesa={round_.body_id}"


@actor_required(policies.can_answer_some_round)
def round_list(request: ActorRequest) -> HttpResponse:
    """Readers see every round with its progress; members see the rounds they may answer."""
    actor = get_actor(request)
    to_answer = list(policies.answerable_rounds(actor).order_by("-opened_on"))
    answered = set(
        QuestionnaireReceipt.objects.filter(round__in=to_answer, member__user=actor.user).values_list(
            "round_id", flat=True
        )
    )
    context: dict[str, object] = {
        "to_answer": [(r, r.pk in answered) for r in to_answer],
        "min_answers": MIN_ANSWERS_FOR_RESULTS,
    }
    body = resolve_body(request, actor) if policies.can_view_body_business(actor) else None
    if body is None and not to_answer and policies.can_view_body_business(actor):
        return redirect("coordination:overview")  # several bodies in view: choose one first
    if body is not None:
        rounds = policies.visible_rounds(actor).filter(body=body).order_by("-opened_on")
        context.update(body_context(body, actor))
        context["rounds"] = selectors.rounds_with_progress(rounds, body)
        context["can_manage"] = policies.can_manage_body(actor, body)
        context["has_open"] = any(not r.is_closed for r in rounds)
        context["round_form"] = RoundForm()
    return render(request, "coordination/round_list.html", context)


@require_POST
@actor_required(policies.can_manage_some_body)
def round_open(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    body = resolve_body(request, actor)
    if body is None or not policies.can_manage_body(actor, body):
        raise Http404
    form = RoundForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            round_ = services.open_round(
                actor=actor, body=body, title=form.cleaned_data["title"], closes_on=form.cleaned_data["closes_on"]
            )
            messages.success(
                request, _("Questionnaire round opened. Members linked to a Ronda user can answer it now.")
            )
            return redirect(_rounds_url(round_))
    flash_errors(request, form)
    return redirect(reverse("coordination:round_list") + f"?mesa={body.pk}")


@never_cache
@actor_required(policies.can_view_body_business)
def round_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    round_ = policies.get_round(actor, pk)
    context = {
        **body_context(round_.body, actor),
        "round": round_,
        "results": selectors.questionnaire_results(round_),
        "progress": selectors.round_progress(round_),
        "min_answers": MIN_ANSWERS_FOR_RESULTS,
        "can_manage": policies.can_manage_body(actor, round_.body),
        "close_form": CloseRoundForm(initial={"version": round_.version}),
    }
    return render(request, "coordination/round_detail.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@actor_required()
def round_answer(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    round_ = policies.get_round_to_answer(actor, pk)  # not a member of its body, or closed: nothing to answer
    member = policies.member_for(actor, round_.body)
    already = QuestionnaireReceipt.objects.filter(round=round_, member=member).exists()
    areas = list(Area.objects.filter(pk__in=services.questionnaire_area_ids(round_.body)).order_by("name"))
    form = QuestionnaireForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        likert, comments = form.answers()
        with service_errors_on(form):
            # The service refuses a second answer, even if two tabs post at once.
            services.submit_questionnaire(actor=actor, round_=round_, likert=likert, comments=comments)
            return render(request, "coordination/round_thanks.html", {"round": round_})
    context = {
        "round": round_,
        "form": form,
        "already": already,
        "body": round_.body,
        "min_answers": MIN_ANSWERS_FOR_RESULTS,
    }
    return render(request, "coordination/round_answer.html", context)


@require_POST
@actor_required(policies.can_manage_some_body)
def round_close(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    round_ = policies.get_round_for_edit(actor, pk)
    form = CloseRoundForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            services.close_round(actor=actor, round_=round_, expected_version=form.cleaned_data["version"])
            messages.success(request, _("Round closed."))
        flash_errors(request, form)  # the service's refusal: the form is a hidden version, invalid only if forged
    return redirect(reverse("coordination:round_detail", args=[round_.pk]))
