"""Convening a meeting (issue #13 item 2): the invitees page, the convocation, the members' and the
guests' answers, and the body's reminders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from ronda.coordination import policies, policies_convocation
from ronda.coordination.forms import ConvocationForm, GuestForm, InviteMembersForm, ReminderDaysForm, RsvpForm
from ronda.coordination.models import Meeting, MeetingInvitation, MeetingStatus, RsvpStatus
from ronda.coordination.services import convocation as services
from ronda.coordination.views.common import body_context, resolve_body
from ronda.core.http import client_ip
from ronda.core.idempotency import once_per_submission
from ronda.core.tenancy import Actor
from ronda.core.views_helpers import ActorRequest, actor_required, flash_errors, get_actor, service_errors_on


def _invitations_url(meeting: Meeting) -> str:
    return reverse("coordination:invitations", args=[meeting.pk])


def _is_open(meeting: Meeting) -> bool:
    return meeting.status != MeetingStatus.CANCELLED and meeting.scheduled_at > timezone.now()


def rsvp_counts(invitations: list[MeetingInvitation]) -> dict[str, int]:
    return {status: sum(1 for i in invitations if i.rsvp == status) for status in RsvpStatus.values}


def convocation_context(actor: Actor, meeting: Meeting) -> dict[str, Any]:
    """What the meeting page shows of the convocation: the invitees and their answers, and the
    signed-in member's own answer form."""
    invitations = list(policies_convocation.invitations_of(actor, meeting))
    own = policies_convocation.own_among(actor, invitations)
    return {
        "invitations": invitations,
        "rsvp_counts": rsvp_counts(invitations),
        "own_invitation": own,
        "rsvp_form": RsvpForm(initial={"rsvp": own.rsvp}, auto_id="rsvp_%s")
        if own is not None and _is_open(meeting)
        else None,
        "invited_guests_present": [i for i in invitations if i.is_guest and i.attended],
    }


def _page(
    request: ActorRequest,
    meeting: Meeting,
    *,
    members_form: InviteMembersForm | None = None,
    guest_form: GuestForm | None = None,
    send_form: ConvocationForm | None = None,
) -> HttpResponse:
    actor = get_actor(request)
    invitations = list(policies_convocation.invitations_of(actor, meeting))
    invited = {i.member_id for i in invitations if i.member_id is not None}
    context = {
        **body_context(meeting.body, actor),
        "meeting": meeting,
        "invitations": invitations,
        "rsvp_counts": rsvp_counts(invitations),
        "pending": sum(1 for i in invitations if i.sent_at is None),
        "is_open": _is_open(meeting),
        "members_form": members_form or InviteMembersForm(meeting=meeting, invited=invited, auto_id="members_%s"),
        "guest_form": guest_form or GuestForm(auto_id="guest_%s"),
        "send_form": send_form or ConvocationForm(auto_id="send_%s"),
    }
    return render(request, "coordination/invitations.html", context)


@require_http_methods(["GET"])
@actor_required(policies.can_manage_some_body)
def invitations(request: ActorRequest, pk: int) -> HttpResponse:
    meeting = policies.get_meeting_for_edit(get_actor(request), pk)
    return _page(request, meeting)


@require_POST
@actor_required(policies.can_manage_some_body)
@once_per_submission
def invite_members(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    meeting = policies.get_meeting_for_edit(actor, pk)
    form = InviteMembersForm(request.POST, meeting=meeting, auto_id="members_%s")
    if form.is_valid():
        with service_errors_on(form):
            created = services.invite_members(
                actor=actor,
                meeting=meeting,
                members=form.cleaned_data["members"],
                commission=form.cleaned_data["commission"],
            )
            messages.success(
                request,
                ngettext("%(count)d invitee added.", "%(count)d invitees added.", len(created))
                % {"count": len(created)},
            )
            return redirect(_invitations_url(meeting))
    flash_errors(request, form)
    return redirect(_invitations_url(meeting))


@require_POST
@actor_required(policies.can_manage_some_body)
@once_per_submission
def invite_guest(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    meeting = policies.get_meeting_for_edit(actor, pk)
    form = GuestForm(request.POST, auto_id="guest_%s")
    if form.is_valid():
        with service_errors_on(form):
            services.invite_guest(
                actor=actor,
                meeting=meeting,
                name=form.cleaned_data["guest_name"],
                organisation=form.cleaned_data["guest_organisation"],
                email=form.cleaned_data["guest_email"],
            )
            messages.success(request, _("Guest invited."))
            return redirect(_invitations_url(meeting))
    # Shown again with what was typed and the errors beside their fields.
    return _page(request, meeting, guest_form=form)


@require_POST
@actor_required(policies.can_manage_some_body)
def invitation_remove(request: ActorRequest, pk: int, invitation_pk: int) -> HttpResponse:
    actor = get_actor(request)
    meeting = policies.get_meeting_for_edit(actor, pk)
    invitation = policies_convocation.get_invitation_for_edit(actor, invitation_pk, meeting=meeting)
    services.remove_invitation(actor=actor, invitation=invitation)
    messages.success(request, _("%(name)s is no longer invited.") % {"name": invitation.name})
    return redirect(_invitations_url(meeting))


@require_POST
@actor_required(policies.can_manage_some_body)
@once_per_submission
def convocation_send(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    meeting = policies.get_meeting_for_edit(actor, pk)
    form = ConvocationForm(request.POST, auto_id="send_%s")
    if form.is_valid():
        with service_errors_on(form):
            sent = services.send_convocation(
                actor=actor,
                meeting=meeting,
                base_url=request.build_absolute_uri("/"),
                again=form.cleaned_data["again"],
            )
            messages.success(
                request,
                ngettext("Convocation sent to %(count)d invitee.", "Convocation sent to %(count)d invitees.", sent)
                % {"count": sent},
            )
            return redirect(_invitations_url(meeting))
    flash_errors(request, form)
    return redirect(_invitations_url(meeting))


@require_POST
@actor_required(policies_convocation.can_record_some_rsvp)
def rsvp(request: ActorRequest, pk: int) -> HttpResponse:
    """A member answers their own invitation on the meeting's page (not invited: 404)."""
    actor = get_actor(request)
    invitation = policies_convocation.get_invitation_to_answer(actor, pk)
    form = RsvpForm(request.POST, auto_id="rsvp_%s")
    if form.is_valid():
        with service_errors_on(form):
            services.answer_invitation(actor=actor, invitation=invitation, answer=form.cleaned_data["rsvp"])
            messages.success(request, _("Your answer was recorded."))
    flash_errors(request, form)
    return redirect(reverse("coordination:meeting_detail", args=[pk]) + "#invitees")


@require_http_methods(["GET", "POST"])
def guest_rsvp(request: HttpRequest, token: str) -> HttpResponse:
    """Public: a guest answers from the link of their convocation; the token is the credential."""
    invitation = policies_convocation.invitation_by_token(token)
    if invitation is None:
        return render(request, "coordination/guest_rsvp_unknown.html", status=404)
    meeting = invitation.meeting
    form = RsvpForm(request.POST or None, initial={"rsvp": invitation.rsvp}, auto_id="rsvp_%s")
    answered = False
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            invitation = services.answer_guest_invitation(
                invitation=invitation, answer=form.cleaned_data["rsvp"], ip_address=client_ip(request)
            )
            answered = True
    context = {
        "invitation": invitation,
        "meeting": meeting,
        "body": meeting.body,
        "form": form,
        "answered": answered,
        "is_open": _is_open(meeting),
        "local_start": timezone.localtime(meeting.scheduled_at, services.meeting_zone(meeting)),
        "agenda": list(meeting.agenda.order_by("order", "id")),
    }
    response = render(request, "coordination/guest_rsvp.html", context)
    # The address is a credential: no shared cache keeps the page, no referrer carries it to another
    # site. "same-origin", not "no-referrer": with no-referrer the browser sends the answer's POST with
    # "Origin: null", which the CSRF check refuses (403), so a guest could never answer.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


@require_http_methods(["GET", "POST"])
@actor_required(policies.can_manage_some_body)
def reminders(request: ActorRequest) -> HttpResponse:
    """How many days before a convened meeting its invitees get a reminder (the body's setting)."""
    actor = get_actor(request)
    chosen = resolve_body(request, actor)
    if chosen is None:
        return redirect("coordination:overview")
    body = policies.get_body_for_edit(actor, chosen.pk)
    initial = {"reminder_days": ", ".join(str(d) for d in body.reminder_days), "version": body.version}
    form = ReminderDaysForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.set_reminder_days(
                actor=actor,
                body=body,
                expected_version=form.cleaned_data["version"],
                days=form.cleaned_data["reminder_days"],
            )
            messages.success(request, _("Reminders saved."))
            return redirect(reverse("coordination:reminders") + f"?mesa={body.pk}")
    return render(request, "coordination/reminders_form.html", {**body_context(body, actor), "form": form})
