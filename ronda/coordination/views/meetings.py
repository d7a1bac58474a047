"""Meetings: list, calendar, the meeting page (agenda, attendance, minutes, agreements) and the PDF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ronda.coordination import pdf, policies, policies_convocation, selectors, services
from ronda.coordination.forms import (
    AgendaItemForm,
    AgendaProposalForm,
    ApproveMinutesForm,
    AttendanceForm,
    MeetingForm,
    MinutesForm,
    ProposalDecisionForm,
)
from ronda.coordination.models import AgendaItem, Meeting, MeetingKind, MeetingStatus, MinutesStatus
from ronda.coordination.views.common import body_context, is_htmx, resolve_body
from ronda.coordination.views.convocation import convocation_context
from ronda.core.http import as_download
from ronda.core.idempotency import once_per_submission
from ronda.core.views_helpers import ActorRequest, actor_required, flash_errors, get_actor, service_errors_on

MIN_YEAR, MAX_YEAR = 2000, 2100
MINUTES_FIELDS = ("minutes_text", "started_at", "ended_at", "chaired_by", "recorded_by")


def _detail_url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("coordination:meeting_detail", args=[meeting.pk]) + anchor


def _has_taken_place(meeting: Meeting) -> bool:
    return meeting.scheduled_at <= timezone.now()


def _not_yet(request: ActorRequest, meeting: Meeting, message: str, anchor: str) -> HttpResponse | None:
    """Attendance and minutes wait for the meeting: the page is not offered before (the service refuses too)."""
    if _has_taken_place(meeting):
        return None
    messages.error(request, message)
    return redirect(_detail_url(meeting, anchor))


@actor_required(policies.can_open_body)
def meeting_list(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    body = resolve_body(request, actor)
    if body is None:
        return redirect("coordination:overview")
    kind = request.GET.get("kind", "")
    meetings = selectors.filter_meetings(
        policies.visible_meetings(actor), body_id=body.pk, kind=kind if kind in MeetingKind.values else None
    )
    meetings = meetings.annotate(agreements_count=Count("agreements")).order_by(*selectors.MEETING_ORDER)
    page = Paginator(meetings, 25).get_page(request.GET.get("page"))
    context = {
        **body_context(body, actor),
        "page": page,
        "kind": kind,
        "kinds": MeetingKind.choices,
        "can_manage": policies.can_manage_body(actor, body),
        "query": f"mesa={body.pk}&kind={kind}",
    }
    return render(request, "coordination/meeting_list.html", context)


@actor_required(policies.can_open_body)
def calendar_redirect(request: ActorRequest) -> HttpResponse:
    resolve_body(request, get_actor(request))  # 404 for a body the actor cannot see
    query = request.GET.urlencode()
    url = reverse("coordination:calendar", args=[timezone.localdate().year])
    return redirect(f"{url}?{query}" if query else url)


@actor_required(policies.can_open_body)
def calendar(request: ActorRequest, year: int) -> HttpResponse:
    actor = get_actor(request)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    body = resolve_body(request, actor)
    if body is None:
        return redirect("coordination:overview")
    months = selectors.meetings_calendar(body, year)
    context = {
        **body_context(body, actor),
        "year": year,
        "months": months,
        "total": sum(len(m.meetings) for m in months),
        "previous_year": year - 1 if year > MIN_YEAR else None,
        "next_year": year + 1 if year < MAX_YEAR else None,
        "this_year": timezone.localdate().year,
    }
    return render(request, "coordination/calendar.html", context)


def _meeting_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in ("kind", "mode", "scheduled_at", "place", "link", "commission", "status", "objectives")}


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_some_body)
@once_per_submission
def meeting_create(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    body = resolve_body(request, actor)
    if body is None or not policies.can_manage_body(actor, body):
        raise Http404
    form = MeetingForm(request.POST or None, body=body)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            meeting = services.schedule_meeting(actor=actor, body=body, **_meeting_fields(form.cleaned_data))
            messages.success(request, _("Meeting scheduled. Now prepare its agenda."))
            return redirect(_detail_url(meeting, "#agenda"))
    return render(
        request, "coordination/meeting_form.html", {**body_context(body, actor), "form": form, "meeting": None}
    )


@actor_required(policies.can_open_body)
def meeting_detail(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    meeting = policies.get_meeting(actor, pk, shape=selectors.meeting_record)
    can_manage = policies.can_manage_body(actor, meeting.body)
    approve_form = None
    if can_manage and meeting.minutes_status == MinutesStatus.DRAFT:
        approve_form = ApproveMinutesForm(meeting=meeting, initial={"version": meeting.version})
    context = {
        **body_context(meeting.body, actor),
        "meeting": meeting,
        "attendance": selectors.attendance_rows(meeting),
        "attendance_summary": selectors.attendance_summary(meeting),
        "approved_here": meeting.approved_minutes.order_by("scheduled_at"),
        "can_manage": can_manage,
        "editable_record": can_manage and meeting.minutes_status != MinutesStatus.APPROVED,
        "agenda_form": AgendaItemForm(meeting=meeting, auto_id="agenda_%s"),
        "approve_form": approve_form,
        "today": timezone.localdate(),
        "can_write_minutes": _has_taken_place(meeting) and meeting.status != MeetingStatus.CANCELLED,
        "has_taken_place": _has_taken_place(meeting),
        "is_notice": pdf.is_notice(meeting),
        "shows_minutes": policies.can_read_minutes(actor, meeting),
        "proposals": [
            (p, ProposalDecisionForm(initial={"version": p.version}, prefix=f"proposal-{p.pk}"))
            for p in policies.visible_agenda_proposals(actor).filter(meeting=meeting)
        ],
        # The coordinator adds items to the agenda directly; the other members propose them.
        "proposal_form": AgendaProposalForm()
        if not can_manage and policies.can_propose_agenda_item(actor, meeting)
        else None,
        **convocation_context(actor, meeting),
    }
    return render(request, "coordination/meeting_detail.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_some_body)
def meeting_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    meeting = policies.get_meeting_for_edit(actor, pk)
    initial = {
        "kind": meeting.kind,
        "mode": meeting.mode,
        "scheduled_at": timezone.localtime(meeting.scheduled_at),
        "place": meeting.place,
        "link": meeting.link,
        "commission": meeting.commission,
        "status": meeting.status,
        "objectives": meeting.objectives,
        "version": meeting.version,
    }
    form = MeetingForm(request.POST or None, body=meeting.body, initial=initial)
    form.fields["version"].required = True  # an edit must say which version it started from
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.update_meeting(
                actor=actor,
                meeting=meeting,
                expected_version=form.cleaned_data["version"],
                **_meeting_fields(form.cleaned_data),
            )
            messages.success(request, _("Changes saved."))
            return redirect(_detail_url(meeting))
    context = {**body_context(meeting.body, actor), "form": form, "meeting": meeting}
    return render(request, "coordination/meeting_form.html", context)


def _agenda_response(request: ActorRequest, meeting: Meeting, form: AgendaItemForm) -> HttpResponse:
    if is_htmx(request):
        items = AgendaItem.objects.filter(meeting=meeting).select_related("presenter").order_by("order", "id")
        context = {"meeting": meeting, "items": items, "agenda_form": form, "editable_record": True}
        return render(request, "coordination/partials/agenda.html", context)
    flash_errors(request, form)
    return redirect(_detail_url(meeting, "#agenda"))


@require_POST
@actor_required(policies.can_manage_some_body)
@once_per_submission
def agenda_add(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    meeting = policies.get_meeting_for_edit(actor, pk)
    form = AgendaItemForm(request.POST, meeting=meeting, auto_id="agenda_%s")
    if form.is_valid():
        with service_errors_on(form):
            services.add_agenda_item(
                actor=actor,
                meeting=meeting,
                title=form.cleaned_data["title"],
                presenter=form.cleaned_data["presenter"],
                minutes_allotted=form.cleaned_data["minutes_allotted"],
            )
            form = AgendaItemForm(meeting=meeting, auto_id="agenda_%s")  # a fresh form for the next item
    return _agenda_response(request, meeting, form)


@require_POST
@actor_required(policies.can_manage_some_body)
def agenda_remove(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    meeting = policies.get_meeting_for_edit(actor, pk)
    item = policies.get_agenda_item_for_edit(actor, request.POST.get("item"), meeting=meeting)
    form = AgendaItemForm(meeting=meeting, auto_id="agenda_%s")
    with service_errors_on(form):
        services.remove_agenda_item(actor=actor, item=item)
    return _agenda_response(request, meeting, form)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_some_body)
def attendance_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    meeting = policies.get_meeting_for_edit(actor, pk)
    early = _not_yet(request, meeting, _("Attendance can be recorded once the meeting has taken place."), "#attendance")
    if early is not None:
        return early
    rows = selectors.attendance_rows(meeting)
    initial = {"version": meeting.version, "guests": meeting.guests}
    invited_guests = list(policies_convocation.invitations_of(actor, meeting).filter(member__isnull=True))
    form = AttendanceForm(request.POST or None, rows=rows, invited_guests=invited_guests, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.record_attendance(
                actor=actor,
                meeting=meeting,
                expected_version=form.cleaned_data["version"],
                statuses=form.statuses(rest_present="rest_present" in request.POST),
                guests=form.cleaned_data["guests"],
                guests_attended=form.guests_attended(),
            )
            messages.success(request, _("Attendance saved."))
            return redirect(_detail_url(meeting, "#attendance"))
    context = {**body_context(meeting.body, actor), "form": form, "meeting": meeting}
    return render(request, "coordination/attendance_form.html", context)


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_some_body)
def minutes_edit(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    meeting = policies.get_meeting_for_edit(actor, pk)
    early = _not_yet(request, meeting, _("Minutes can be written once the meeting has taken place."), "#minutes")
    if early is not None:
        return early
    initial = {name: getattr(meeting, name) for name in MINUTES_FIELDS}
    form = MinutesForm(request.POST or None, meeting=meeting, initial={**initial, "version": meeting.version})
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.save_minutes(
                actor=actor,
                meeting=meeting,
                expected_version=form.cleaned_data["version"],
                **{name: form.cleaned_data[name] for name in MINUTES_FIELDS},
            )
            messages.success(request, _("Minutes saved as a draft. They are approved at a later meeting."))
            return redirect(_detail_url(meeting, "#minutes"))
    agenda = meeting.agenda.select_related("presenter").order_by("order", "id")
    context = {**body_context(meeting.body, actor), "form": form, "meeting": meeting, "agenda": agenda}
    return render(request, "coordination/minutes_form.html", context)


@require_POST
@actor_required(policies.can_manage_some_body)
def minutes_approve(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    meeting = policies.get_meeting_for_edit(actor, pk)
    form = ApproveMinutesForm(request.POST, meeting=meeting)
    if form.is_valid():
        with service_errors_on(form):
            services.approve_minutes(
                actor=actor,
                meeting=meeting,
                expected_version=form.cleaned_data["version"],
                approved_at=form.cleaned_data["approved_at"],
            )
            messages.success(request, _("Minutes approved."))
    flash_errors(request, form)
    return redirect(_detail_url(meeting, "#minutes"))


@actor_required(policies.can_open_body)
def minutes_pdf(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    meeting = policies.get_meeting(actor, pk, shape=selectors.meeting_record)
    if not pdf.is_notice(meeting) and not policies.can_read_minutes(actor, meeting):
        raise Http404  # a seat reads the minutes once approved
    content = pdf.render_minutes_pdf(meeting)
    response = HttpResponse(content, content_type="application/pdf")
    return as_download(response, pdf.minutes_filename(meeting), inline=True)


# --- Agenda proposals -------------------------------------------------------------------------
@require_POST
@actor_required(policies.can_propose_some_agenda_item)
@once_per_submission
def agenda_propose(request: ActorRequest, pk: int) -> HttpResponse:
    """A member of the body proposes an item for a coming meeting (404 for anyone else)."""
    actor = get_actor(request)
    meeting = policies.get_meeting_for_proposal(actor, pk)
    form = AgendaProposalForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            services.propose_agenda_item(
                actor=actor, meeting=meeting, title=form.cleaned_data["title"], reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Item proposed. The coordinator decides whether it goes on the agenda."))
            return redirect(_detail_url(meeting, "#proposals"))
    flash_errors(request, form)
    return redirect(_detail_url(meeting, "#proposals"))


@require_POST
@actor_required(policies.can_manage_some_body)
def agenda_proposal_decide(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    proposal = policies.get_agenda_proposal_for_decision(actor, pk)
    form = ProposalDecisionForm(request.POST, prefix=f"proposal-{proposal.pk}")
    if form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            if data["decision"] == "accept":
                services.accept_agenda_proposal(
                    actor=actor, proposal=proposal, expected_version=data["version"], note=data["decision_note"]
                )
                messages.success(request, _("The item is on the agenda."))
            else:
                services.decline_agenda_proposal(
                    actor=actor, proposal=proposal, expected_version=data["version"], note=data["decision_note"]
                )
                messages.success(request, _("Proposal declined. The member reads your answer on the meeting's page."))
    flash_errors(request, form)
    return redirect(_detail_url(proposal.meeting, "#proposals"))
