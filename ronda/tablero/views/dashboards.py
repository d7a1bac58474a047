"""Tablero pages: the home of the Tablero, the dashboards (a unit's trends against targets and
their disaggregation; comparison and ranking of municipalities; the map) and the saved dashboards
(issue #10 item 8).

Every filter is a GET form that works without JavaScript; every chart has its table, a CSV and an
SVG download (``?descarga=<chart>.csv`` / ``.svg`` on the same page, the same figures).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_POST

from ronda.core import spreadsheets
from ronda.core.http import as_download
from ronda.core.views_helpers import ActorRequest, actor_required, id_param
from ronda.planning.choices import GoalArea
from ronda.tablero import dashboards as data
from ronda.tablero import periods as iso_periods
from ronda.tablero import policies, policies_catalogue, policies_entry, policies_imports, policies_public, policies_push
from ronda.tablero import policies_dashboards as policy
from ronda.tablero.models import Dashboard, Indicator
from ronda.territory.models import OrgUnit

PERIOD_TYPES = [
    (iso_periods.PeriodType.MONTHLY, pgettext_lazy("periods", "Months")),
    (iso_periods.PeriodType.QUARTERLY, pgettext_lazy("periods", "Quarters")),
    (iso_periods.PeriodType.YEARLY, pgettext_lazy("periods", "Years")),
]
FIRST_YEAR = 2015


def _today() -> dt.date:
    return timezone.localdate()


def _years() -> list[tuple[int, str]]:
    return [(y, str(y)) for y in range(_today().year, FIRST_YEAR - 1, -1)]


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:  # type: ignore[override]
        return "\u00a0\u00a0" * max(obj.level - 1, 0) + obj.name


class IndicatorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Indicator) -> str:  # type: ignore[override]
        return data.chart_title(obj)


class IndicatorsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Indicator) -> str:  # type: ignore[override]
        return data.chart_title(obj)


class DashboardFilters(forms.Form):
    unidad = UnitChoice(label=gettext_lazy("Org unit"), queryset=OrgUnit.objects.none(), required=False)
    area = forms.ChoiceField(
        label=gettext_lazy("Goal area"),
        choices=[("", gettext_lazy("All goal areas")), *GoalArea.choices],
        required=False,
    )
    tipo = forms.ChoiceField(label=gettext_lazy("Periods"), choices=PERIOD_TYPES, required=False)
    desde = forms.TypedChoiceField(label=pgettext_lazy("period", "From"), coerce=int, choices=(), required=False)
    hasta = forms.TypedChoiceField(label=gettext_lazy("To"), coerce=int, choices=(), required=False)
    indicador = IndicatorsChoice(
        label=gettext_lazy("Indicators"),
        queryset=Indicator.objects.none(),
        to_field_name="uid",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, actor: Any, *args: Any, around: OrgUnit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = self.fields["unidad"]
        assert isinstance(units, forms.ModelChoiceField)
        units.queryset = policy.pickable_units(actor, around=around)
        inds = self.fields["indicador"]
        assert isinstance(inds, forms.ModelMultipleChoiceField)
        inds.queryset = policy.visible_indicators(actor).order_by("goal_area", "name")
        for name in ("desde", "hasta"):
            choice = self.fields[name]
            assert isinstance(choice, forms.TypedChoiceField)
            choice.choices = _years()


class ComparisonFilters(forms.Form):
    unidad = UnitChoice(label=gettext_lazy("Org unit"), queryset=OrgUnit.objects.none(), required=False)
    indicador = IndicatorChoice(
        label=gettext_lazy("Indicator"), queryset=Indicator.objects.none(), to_field_name="uid", required=False
    )
    periodo = forms.ChoiceField(label=gettext_lazy("Period"), choices=(), required=False)

    def __init__(self, actor: Any, *args: Any, around: OrgUnit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = self.fields["unidad"]
        assert isinstance(units, forms.ModelChoiceField)
        units.queryset = policy.pickable_units(actor, around=around)
        inds = self.fields["indicador"]
        assert isinstance(inds, forms.ModelChoiceField)
        inds.queryset = policy.visible_indicators(actor).order_by("goal_area", "name")
        period = self.fields["periodo"]
        assert isinstance(period, forms.ChoiceField)
        period.choices = _period_choices()


def _period_choices() -> list[Any]:
    today = _today()
    years = iso_periods.relative("LAST_5_YEARS", today)
    this_year = iso_periods.relative("THIS_YEAR", today)
    quarters = iso_periods.relative("LAST_4_QUARTERS", today)
    months = iso_periods.relative("LAST_12_MONTHS", today)
    return [
        (pgettext_lazy("periods", "Years"), [(p.iso, p.iso) for p in reversed((*years, *this_year))]),
        (pgettext_lazy("periods", "Quarters"), [(p.iso, p.iso) for p in reversed(quarters)]),
        (pgettext_lazy("periods", "Months"), [(p.iso, data.period_label(p)) for p in reversed(months)]),
    ]


# --- Downloads ---------------------------------------------------------------------------------


def _csv(filename: str, header: list[str], rows: list[list[object]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    as_download(response, filename)
    writer = spreadsheets.csv_writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _svg(filename: str, svg: str) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    return as_download(response, filename)


def _trend_csv(trend: data.Trend) -> list[list[object]]:
    return [[r.period.iso, r.label, r.value, r.numerator, r.denominator, r.target] for r in trend.rows]


TREND_HEADER = ["period", "label", "value", "numerator", "denominator", "target"]
RANK_HEADER = ["code", "org_unit", "rank", "value", "numerator", "denominator"]


def _download(request: ActorRequest, charts: dict[str, tuple[Any, Any, Any]]) -> HttpResponse | None:
    """``?descarga=<slug>.csv|svg``: ``charts`` maps slugs to (svg, csv header, csv rows) makers."""
    wanted = request.GET.get("descarga", "")
    if not wanted:
        return None
    slug, _dot, kind = wanted.rpartition(".")
    if slug not in charts or kind not in ("csv", "svg"):
        raise Http404
    svg, header, rows = charts[slug]
    if kind == "svg":
        return _svg(f"{slug}.svg", svg())
    return _csv(f"{slug}.csv", header, rows())


# --- Pages -------------------------------------------------------------------------------------


@actor_required(policy.can_use_tablero)
def index(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    # Each part of the Tablero is linked for whoever its own policy lets in.
    parts = (
        (
            policies_catalogue.can_view_catalogue,
            "tablero:catalogue",
            _("Catalogue"),
            _("Data elements, categories, indicators, data sets and targets."),
        ),
        (
            policies_entry.may_use_entry,
            "tablero:entry_choose",
            _("Data entry"),
            _("Enter the values of a data set for a unit and a period."),
        ),
        (
            policies_entry.may_use_entry,
            "tablero:entry_due",
            _("Due and missing"),
            _("The data sets whose values are due and not yet entered."),
        ),
        (
            policies_imports.can_import,
            "tablero:imports",
            _("Import"),
            _("Load values from a CSV or XLSX file: a dry run first, then apply."),
        ),
        (
            policies_imports.can_export,
            "tablero:export",
            pgettext("noun", "Export"),
            _("Download any selection of values as CSV or XLSX."),
        ),
        (
            policies_push.can_push_somewhere,
            "tablero:push",
            _("Push to the ministry's DHIS2"),
            _("Send the country's approved values to the ministry's DHIS2 and read its import summaries."),
        ),
        (
            policies_public.can_manage_publication,
            "tablero:publication",
            _("Published figures"),
            _("Choose the indicators your municipality shows on its public page."),
        ),
    )
    cards = [
        {"url": reverse(name), "title": title, "text": text} for allowed, name, title, text in parts if allowed(actor)
    ]
    cards += [
        {
            "url": reverse("tablero:dashboard"),
            "title": pgettext("dashboard page", "Dashboard"),
            "text": _("Trends of the indicators against their targets, and their disaggregation."),
        },
        {
            "url": reverse("tablero:comparison"),
            "title": _("Comparison and ranking"),
            "text": _("Every municipality side by side for one indicator and period."),
        },
        {
            "url": reverse("tablero:map"),
            "title": _("Map"),
            "text": _("The territory coloured by an indicator."),
        },
        {
            "url": reverse("tablero:saved_dashboards"),
            "title": _("My dashboards"),
            "text": _("The selections you saved, with their pinned indicators."),
        },
    ]
    return render(request, "tablero/index.html", {"cards": cards, "unit": policy.home_unit(actor)})


@actor_required(policy.can_use_tablero)
def dashboard(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    saved = None
    params = request.GET.copy()
    if pk := id_param(request.GET.get("panel")):
        saved = policy.get_dashboard(actor, pk)
        # A saved dashboard opens with its own unit, filters and pinned indicators (the query string wins).
        params.setdefault("unidad", str(saved.org_unit_id))
        for key, value in saved.filters.items():
            if key in ("area", "tipo", "desde", "hasta") and value not in (None, ""):
                params.setdefault(key, str(value))
        if "indicador" not in request.GET:
            params.setlist("indicador", data.pinned_uids(saved))
    unit = _unit(actor, params.get("unidad"))
    form = DashboardFilters(actor, params, around=unit)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    today = _today()
    period_type = cleaned.get("tipo") or iso_periods.PeriodType.MONTHLY
    last_year = cleaned.get("hasta") or today.year
    first_year = cleaned.get("desde") or last_year - 1
    first_year, last_year = min(first_year, last_year), max(first_year, last_year)
    periods = data.periods_between(period_type, first_year, last_year, today)
    goal_area = cleaned.get("area") or ""
    indicators = list(cleaned.get("indicador") or [])
    if goal_area:
        indicators = [i for i in indicators if i.goal_area == goal_area]
    if not indicators:
        query = policy.visible_indicators(actor).order_by("goal_area", "name")
        if goal_area:
            query = query.filter(goal_area=goal_area)
        indicators = list(query[: data.MAX_INDICATORS])
    indicators = indicators[: data.MAX_INDICATORS]
    trends = data.trends(actor, unit, indicators, periods)
    # The form shows what is on the page, defaults included.
    initial = {"unidad": unit, "area": goal_area, "tipo": period_type, "desde": first_year, "hasta": last_year}
    form = DashboardFilters(actor, initial={**initial, "indicador": indicators}, around=unit)
    charts: dict[str, tuple[Any, Any, Any]] = {}
    for trend in trends:
        charts[trend.slug] = (lambda t=trend: t.svg, TREND_HEADER, lambda t=trend: _trend_csv(t))
        for breakdown in trend.breakdowns:
            charts[breakdown.slug] = (
                lambda b=breakdown: b.svg,
                ["option", "value"],
                lambda b=breakdown: [[r.label, r.value] for r in b.rows],
            )
    if (download := _download(request, charts)) is not None:
        return download
    own = list(policy.visible_dashboards_of(actor)) if policy.can_manage_dashboards(actor) else []
    filters = {"area": goal_area, "tipo": period_type, "desde": first_year, "hasta": last_year}
    return render(
        request,
        "tablero/dashboards/dashboard.html",
        {
            "form": form,
            "unit": unit,
            "trends": trends,
            "periods": periods,
            "saved": saved,
            "own_dashboards": own,
            "can_save": policy.can_manage_dashboards(actor),
            "filters": filters,
            "chosen": indicators,
            "query": _query(request, drop=("descarga",)),
        },
    )


def _unit(actor: Any, given: str | None) -> OrgUnit:
    """The unit asked for (404 outside the actor's scope), or the actor's own."""
    if given:
        return policy.get_unit(actor, id_param(given))
    unit = policy.home_unit(actor)
    if unit is None:
        raise Http404
    return unit


def _query(request: ActorRequest, *, drop: tuple[str, ...] = ()) -> str:
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


def _comparison(request: ActorRequest) -> tuple[ComparisonFilters, data.Comparison | None]:
    actor = request.actor
    parent = _unit(actor, request.GET.get("unidad"))
    form = ComparisonFilters(actor, request.GET, around=parent)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    indicator = cleaned.get("indicador") or data.first_with_data(
        list(policy.visible_indicators(actor).order_by("goal_area", "name")),
        parent,
        policies.catalogue_owner_filter(actor),
    )
    iso = cleaned.get("periodo") or str(_today().year)
    if indicator is None:
        return form, None
    form = ComparisonFilters(actor, initial={"unidad": parent, "indicador": indicator, "periodo": iso}, around=parent)
    order = request.GET.get("orden", "puesto")
    descending = order.startswith("-")
    level = id_param(request.GET.get("nivel"))
    result = data.comparison(
        actor,
        parent,
        indicator,
        iso_periods.parse(iso),
        sort=order.lstrip("-"),
        descending=descending,
        level=level,
    )
    return form, result


def _rank_rows(result: data.Comparison) -> list[list[object]]:
    return [[r.unit.code, r.unit.name, r.rank, r.value, r.numerator, r.denominator] for r in result.sorted_rows]


@actor_required(policy.can_use_tablero)
def comparison(request: ActorRequest) -> HttpResponse:
    form, result = _comparison(request)
    if result is not None:
        download = _download(request, {"ranking": (lambda: result.svg, RANK_HEADER, lambda: _rank_rows(result))})
        if download is not None:
            return download
    columns = [
        ("puesto", _("Rank")),
        ("nombre", _("Org unit")),
        ("valor", _("Value")),
        ("numerador", _("Numerator")),
        ("denominador", _("Denominator")),
    ]
    return render(
        request,
        "tablero/dashboards/comparison.html",
        {
            "form": form,
            "result": result,
            "columns": columns,
            "query": _query(request, drop=("descarga", "orden")),
            "level_query": _query(request, drop=("descarga", "orden", "nivel")),
            "download_query": _query(request, drop=("descarga",)),
        },
    )


@actor_required(policy.can_use_tablero)
def map_view(request: ActorRequest) -> HttpResponse:
    form, result = _comparison(request)
    if result is not None:
        download = _download(request, {"map": (lambda: result.map_svg, RANK_HEADER, lambda: _rank_rows(result))})
        if download is not None:
            return download
    return render(
        request,
        "tablero/dashboards/map.html",
        {"form": form, "result": result, "query": _query(request, drop=("descarga",))},
    )


# --- Saved dashboards --------------------------------------------------------------------------


class SaveForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the dashboard"), max_length=120)


@actor_required(policy.can_use_tablero)
def saved_dashboards(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    own = list(policy.visible_dashboards_of(actor))
    return render(
        request,
        "tablero/dashboards/saved.html",
        {"dashboards": own, "can_save": policy.can_manage_dashboards(actor)},
    )


@require_POST
@actor_required(policy.can_manage_dashboards)
def dashboard_save(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    form = SaveForm(request.POST)
    filters = DashboardFilters(actor, request.POST)
    filters.is_valid()  # a filter that does not clean is left out of the saved selection
    if not form.is_valid():
        messages.error(request, _("Give the dashboard a name to save it."))
        return redirect(reverse("tablero:dashboard") + "?" + _post_query(request))
    unit = _unit(actor, request.POST.get("unidad"))
    chosen = list(filters.cleaned_data.get("indicador") or [])
    # The dashboard's unit: the one asked for, checked by ``_unit`` above.
    saved = data.save_dashboard(
        actor=actor,
        name=form.cleaned_data["name"],
        org_unit=unit,
        indicators=chosen,
        filters={key: filters.cleaned_data.get(key) or "" for key in ("area", "tipo", "desde", "hasta")},
    )
    messages.success(request, _("Dashboard saved."))
    return redirect(reverse("tablero:dashboard") + f"?panel={saved.pk}")


def _post_query(request: ActorRequest) -> str:
    params = request.POST.copy()
    for key in ("csrfmiddlewaretoken", "name"):
        params.pop(key, None)
    return params.urlencode()


@require_POST
@actor_required(policy.can_manage_dashboards)
def dashboard_pin(request: ActorRequest) -> HttpResponse:
    actor = request.actor
    saved = policy.get_dashboard_for_edit(actor, id_param(request.POST.get("panel")))
    indicator = policy.get_indicator(actor, request.POST.get("indicador", ""))
    pinned = request.POST.get("fijar") != "0"
    data.set_pinned(actor=actor, dashboard=saved, indicator=indicator, pinned=pinned)
    if pinned:
        messages.success(request, _("Indicator pinned to %(name)s.") % {"name": saved.name})
    else:
        messages.success(request, _("Indicator taken off %(name)s.") % {"name": saved.name})
    return redirect(reverse("tablero:dashboard") + f"?panel={saved.pk}")


@require_POST
@actor_required(policy.can_manage_dashboards)
def dashboard_delete(request: ActorRequest, pk: int) -> HttpResponse:
    actor = request.actor
    saved: Dashboard = policy.get_dashboard_for_edit(actor, pk)
    data.delete_dashboard(actor=actor, dashboard=saved)
    messages.success(request, _("Dashboard deleted."))
    return redirect("tablero:saved_dashboards")


urlpatterns: list[URLPattern] = [
    path("", index, name="index"),
    path("paneles/", dashboard, name="dashboard"),
    path("paneles/comparacion/", comparison, name="comparison"),
    path("paneles/mapa/", map_view, name="map"),
    path("paneles/guardados/", saved_dashboards, name="saved_dashboards"),
    path("paneles/guardar/", dashboard_save, name="dashboard_save"),
    path("paneles/fijar/", dashboard_pin, name="dashboard_pin"),
    path("paneles/<int:pk>/borrar/", dashboard_delete, name="dashboard_delete"),
]
