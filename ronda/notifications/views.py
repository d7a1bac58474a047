"""Mis notificaciones (every signed-in person), the outbox log (administrators) and the public
calendar feed (the token is the credential)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronda.core.http import client_ip
from ronda.core.idempotency import once_per_submission
from ronda.core.views_helpers import ActorRequest, actor_required, flash_errors, get_actor, service_errors_on
from ronda.notifications import ics, kinds, policies, selectors, services
from ronda.notifications.forms import FeedForm, OutboxFilterForm, PreferencesForm
from ronda.notifications.models import EmailStatus

# The new feed's address, kept in the (server-side) session for the one redirect that shows it,
# as Django's password-reset view keeps its token: never in the address bar, never shown twice.
NEW_FEED_KEY = "notifications_new_feed"
TOKEN_LIMIT = 100


def _preferences_form(request: ActorRequest, data: object = None) -> PreferencesForm:
    actor = get_actor(request)
    return PreferencesForm(
        data,  # type: ignore[arg-type]
        choices=selectors.choices_for(actor.user),
        digest_on=selectors.weekly_digest_on(actor.user),
        language=actor.user.language,
    )


def _page(request: ActorRequest, form: PreferencesForm, feed_form: FeedForm | None = None) -> HttpResponse:
    actor = get_actor(request)
    raw = request.session.pop(NEW_FEED_KEY, None)
    new_feed_url = request.build_absolute_uri(reverse("notifications:feed", args=[raw])) if isinstance(raw, str) else ""
    options = selectors.feed_options(actor)
    context = {
        "form": form,
        "feed_form": feed_form or FeedForm(options=options),
        "has_feed_options": bool(options),
        "feeds": selectors.feeds_of(actor),
        "emails": selectors.recent_emails(actor.user),
        "new_feed_url": new_feed_url,
        "can_read_outbox": policies.can_read_outbox(actor),
    }
    return render(request, "notifications/mine.html", context)


@require_http_methods(["GET", "POST"])
@actor_required()
def mine(request: ActorRequest) -> HttpResponse:
    """The person's choices of notifications, their calendar feeds and the last e-mails sent to them."""
    actor = get_actor(request)
    if request.method == "POST":
        form = _preferences_form(request, request.POST)
        if form.is_valid():
            with service_errors_on(form):
                services.set_preferences(
                    actor=actor, choices=form.choices(), language=form.cleaned_data.get("language", "")
                )
                messages.success(request, _("Your choices of notifications were saved."))
                return redirect("notifications:mine")
        return _page(request, form)
    return _page(request, _preferences_form(request))


@require_POST
@actor_required()
@once_per_submission
def feed_create(request: ActorRequest) -> HttpResponse:
    actor = get_actor(request)
    form = FeedForm(request.POST, options=selectors.feed_options(actor))
    if form.is_valid():
        key, object_id = form.feed()
        with service_errors_on(form):
            _feed, raw = services.create_feed(actor=actor, kind=key, object_id=object_id)
            request.session[NEW_FEED_KEY] = raw
            return redirect("notifications:mine")
    return _page(request, _preferences_form(request), form)


@require_POST
@actor_required()
def feed_revoke(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    feed = policies.get_own_feed(actor, pk)
    services.revoke_feed(actor=actor, feed=feed)
    messages.success(request, _("Calendar address %(prefix)s… revoked: it no longer works.") % {"prefix": feed.prefix})
    return redirect("notifications:mine")


def _gone(revoked: bool) -> HttpResponse:
    text = (
        _(
            "This calendar address was revoked by its owner and no longer works. "
            "Create a new one in Ronda, under My notifications."
        )
        if revoked
        else _("This calendar address does not exist. Check that you copied it whole, or create a new one in Ronda.")
    )
    return HttpResponse(text + "\n", status=404, content_type="text/plain; charset=utf-8")


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A private calendar, for a calendar client: no session, the token in the address is the key."""
    if len(token) > TOKEN_LIMIT:
        return _gone(revoked=False)
    try:
        found = services.use_feed(token=token, ip_address=client_ip(request))
    except services.FeedGone as gone:
        return _gone(revoked=gone.revoked)
    declared = kinds.get_feed(found.kind)
    if declared is None:
        return _gone(revoked=False)
    try:
        events = declared.events(found.user, found.object_id)
    except (Http404, PermissionDenied):
        # The person may no longer see that body: the address answers as a missing one.
        return _gone(revoked=False)
    calendar = ics.calendar(events, name=str(declared.label))
    response = HttpResponse(ics.to_text(calendar), content_type=ics.CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="ronda.ics"'
    # Private to its owner: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@actor_required(policies.can_read_outbox)
def outbox(request: ActorRequest) -> HttpResponse:
    """The log of e-mails Ronda sent, queued or could not send (administrators only)."""
    actor = get_actor(request)
    emails = policies.visible_outbox(actor).select_related("recipient")
    form = OutboxFilterForm(request.GET)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    if status:
        emails = emails.filter(status=status)
    page = Paginator(emails, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "form": form, "query": query.urlencode(), "failed": EmailStatus.FAILED}
    return render(request, "notifications/outbox.html", context)


@require_POST
@actor_required(policies.can_manage_outbox)
def outbox_retry(request: ActorRequest, pk: int) -> HttpResponse:
    actor = get_actor(request)
    email = policies.get_email_for_retry(actor, pk)
    form = OutboxFilterForm()
    with service_errors_on(form):
        services.retry_email(actor=actor, email=email)
        messages.success(request, _("E-mail #%(id)s queued to be sent again.") % {"id": email.pk})
    flash_errors(request, form)
    return redirect("notifications:outbox")
