"""Tablero pages: a country's push of approved values to its ministry's DHIS2 (issue #10 item 5).

``/tablero/envio-dhis2/``: the countries the actor may push for (a secretariat goes straight to its
own). ``/tablero/envio-dhis2/<country>/``: the target (address, token — written, never shown back —,
identifiers, code mapping as CSV text or file, the automatic push's hour), the form that asks for a
push of a data set, when the next automatic push is due, and the push log with DHIS2's import
summary of each push.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronda.core.forms import IdModelChoiceField
from ronda.core.views_helpers import ActorRequest, actor_required, apply_errors, get_actor, service_errors_on
from ronda.tablero import policies_push, push
from ronda.tablero.models import PushIdScheme, PushStatus, PushTarget
from ronda.territory.forms import VersionField
from ronda.territory.models import OrgUnit
from ronda.territory.selectors import time_zone_of

MAPPING_FILE_LIMIT = 2 * 1024 * 1024
LOG_ROWS = 30


def _private(response: HttpResponseBase) -> HttpResponseBase:
    patch_cache_control(response, private=True, no_store=True)
    return response


class TargetForm(forms.Form):
    base_url = forms.CharField(
        label=gettext_lazy("Address of the ministry's DHIS2"),
        max_length=push.URL_LIMIT,
        help_text=gettext_lazy("For example https://dhis2.ministerio.gob/dhis (without /api)."),
    )
    token = forms.CharField(
        label=gettext_lazy("Access token"),
        required=False,
        max_length=push.TOKEN_LIMIT,
        # Never rendered back: the field is always empty, and empty keeps the stored token.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    id_scheme = forms.ChoiceField(
        label=gettext_lazy("Identifiers sent"),
        choices=PushIdScheme.choices,
        help_text=gettext_lazy("How the ministry's DHIS2 knows the data elements, disaggregations and units."),
    )
    mapping = forms.CharField(
        label=gettext_lazy("Code mapping"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "One line per code: kind, Ronda code, ministry identifier — for example "
            "dataElement,VAC,MIN_VAC or organisationUnit,A-M,OU123. Kinds: dataElement, "
            "categoryOptionCombo, organisationUnit. A code without a line is sent as it is."
        ),
    )
    mapping_file = forms.FileField(
        label=gettext_lazy("Or upload the mapping as CSV"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=gettext_lazy("It replaces the text above."),
    )
    is_enabled = forms.BooleanField(label=gettext_lazy("Pushes are turned on"), required=False, initial=True)
    daily_push_hour = forms.TypedChoiceField(
        label=gettext_lazy("Automatic push"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", gettext_lazy("Off: only when asked for"))]
        + [(str(hour), f"{hour:02d}:00") for hour in range(24)],
    )
    version = VersionField(required=False)

    def __init__(self, *args: Any, has_token: bool = False, time_zone: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["daily_push_hour"].help_text = _(
            "Every day at this hour (%(zone)s time), Ronda pushes each data set's approved periods "
            "not pushed since their approval."
        ) % {"zone": time_zone}
        self.fields["token"].required = False
        self.fields["token"].help_text = (
            _("A token is stored. Leave this empty to keep it, or write a new one to replace it.")
            if has_token
            else _("The personal access token of the ministry's DHIS2 user that imports the values.")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("mapping_file")
        text = data.get("mapping") or ""
        if upload:
            if upload.size > MAPPING_FILE_LIMIT:
                self.add_error("mapping_file", _("The file is larger than 2 MB."))
                return data
            raw = upload.read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("cp1252", errors="replace")
        try:
            data["parsed_mapping"] = push.parse_mapping(text)
        except ValidationError as exc:
            self.add_error("mapping_file" if upload else "mapping", exc.messages)
        return data


class PushForm(forms.Form):
    prefix = "push"  # two forms on one page: distinct ids and error summaries
    data_set = IdModelChoiceField(label=gettext_lazy("Data set"), queryset=None)
    period = forms.CharField(
        label=gettext_lazy("Period"),
        required=False,
        max_length=10,
        help_text=gettext_lazy("For example 202401. Empty: every approved period not pushed since its approval."),
    )

    def __init__(self, *args: Any, actor: Any, country: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["data_set"].queryset = policies_push.pushable_data_sets(actor, country)  # type: ignore[attr-defined]


def _target_initial(target: PushTarget | None) -> dict[str, Any]:
    if target is None:
        return {"id_scheme": PushIdScheme.CODE, "is_enabled": True, "daily_push_hour": ""}
    return {
        "base_url": target.base_url,
        "id_scheme": target.id_scheme,
        "mapping": push.mapping_as_text(target.mapping or {}),
        "is_enabled": target.is_enabled,
        "daily_push_hour": "" if target.daily_push_hour is None else str(target.daily_push_hour),
        "version": target.version,
    }


def _page(
    request: ActorRequest,
    country: OrgUnit,
    *,
    target_form: TargetForm | None = None,
    push_form: PushForm | None = None,
    status: int = 200,
) -> HttpResponseBase:
    actor = get_actor(request)
    target = PushTarget.objects.filter(country=country).first()
    zone = time_zone_of(country)
    logs = (
        policies_push.visible_logs(actor)
        .filter(target__country=country)
        .select_related("data_set", "requested_by")[:LOG_ROWS]
        if target is not None
        else []
    )
    context = {
        "country": country,
        "target": target,
        "target_form": target_form
        or TargetForm(initial=_target_initial(target), has_token=bool(target and target.token), time_zone=zone),
        "push_zone": zone,
        "next_push_overdue": bool(target and target.next_push_at and target.next_push_at <= timezone.now()),
        "push_form": push_form or PushForm(actor=actor, country=country),
        "logs": logs,
        "in_progress": any(log.status in (PushStatus.QUEUED, PushStatus.RUNNING) for log in logs),
    }
    return _private(render(request, "tablero/push/country.html", context, status=status))


@require_GET
@actor_required(policies_push.can_push_somewhere)
def push_index(request: ActorRequest) -> HttpResponseBase:
    countries = list(policies_push.manageable_countries(get_actor(request)))
    if len(countries) == 1:
        return redirect("tablero:push_country", countries[0].pk)
    return _private(render(request, "tablero/push/index.html", {"countries": countries}))


@require_http_methods(["GET", "POST"])
@actor_required(policies_push.can_push_somewhere)
def push_country(request: ActorRequest, country_id: int) -> HttpResponseBase:
    actor = get_actor(request)
    country = policies_push.get_country(actor, country_id)
    if request.method != "POST":
        return _page(request, country)
    target = PushTarget.objects.filter(country=country).first()
    form = TargetForm(
        request.POST, request.FILES, has_token=bool(target and target.token), time_zone=time_zone_of(country)
    )
    if form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            push.save_target(
                actor=actor,
                country=country,
                base_url=data["base_url"],
                token=data["token"],
                id_scheme=data["id_scheme"],
                mapping=data["parsed_mapping"],
                is_enabled=data["is_enabled"],
                daily_push_hour=data["daily_push_hour"],
                expected_version=data.get("version"),
            )
            messages.success(request, _("The push target was saved."))
            return redirect("tablero:push_country", country.pk)
    return _page(request, country, target_form=form)


@require_POST
@actor_required(policies_push.can_push_somewhere)
def push_start(request: ActorRequest, country_id: int) -> HttpResponseBase:
    actor = get_actor(request)
    country = policies_push.get_country(actor, country_id)
    target = PushTarget.objects.filter(country=country).first()
    form = PushForm(request.POST, actor=actor, country=country)
    if target is None:
        form.is_valid()
        form.add_error(None, _("Save the push target first."))
        return _page(request, country, push_form=form)
    if form.is_valid():
        try:
            push.request_push(
                actor=actor, target=target, data_set=form.cleaned_data["data_set"], period=form.cleaned_data["period"]
            )
        except PermissionDenied:
            form.add_error("data_set", _("This data set cannot be pushed."))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The push was queued; its result appears in the log below."))
            return redirect("tablero:push_country", country.pk)
    return _page(request, country, push_form=form)


urlpatterns: list[URLPattern] = [
    path("envio-dhis2/", push_index, name="push"),
    path("envio-dhis2/<int:country_id>/", push_country, name="push_country"),
    path("envio-dhis2/<int:country_id>/enviar/", push_start, name="push_start"),
]
