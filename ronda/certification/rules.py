"""The evidence rules a framework's computed requirements name (issue #14 item 1, ADR 0031).

A rule reads a municipality's live data **through the domains' read contracts only** and answers
with figures — counts, shares, dates, yes/no — never a name or a record of a person. The figures
are what a submission freezes (``SubmittedEvidence.figures``); the sentence shown to a reader is
written from them when the page is drawn (``Rule.describe``), in the reader's language, so a
snapshot made in Spanish reads in English too.

A requirement stores the rule's key and its parameters; ``check_params`` refuses an unknown name or
a value of the wrong kind, so a framework can only ask what a rule can answer. Counts drawn from
children's records (cases, care) are not used here: the frameworks ask about the municipality's
management, and those counts would need the suppression rule.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ronda.accountability import contracts as accountability_contracts
from ronda.consultations import contracts as consultations_contracts
from ronda.coordination import contracts as coordination_contracts
from ronda.council import contracts as council_contracts
from ronda.improvement import contracts as improvement_contracts
from ronda.planning import contracts as planning_contracts
from ronda.safeguarding import contracts as safeguarding_contracts
from ronda.tablero import contracts as tablero_contracts
from ronda.territory.models import OrgUnit
from ronda.training import contracts as training_contracts

Figures = dict[str, Any]


@dataclass(frozen=True)
class Param:
    kind: type  # int or bool
    default: Any
    label: Any  # a lazy string
    minimum: int = 0
    maximum: int = 1_000_000


@dataclass(frozen=True)
class Context:
    """What a rule is asked about: a municipality on a day; the cycle's own commitment fields, for
    the one rule that reads them (``cycle.commitment``)."""

    unit: OrgUnit
    day: dt.date
    commitment: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    key: str
    label: Any  # a lazy string: what the rule checks, for the framework editor
    params: Mapping[str, Param]
    compute: Callable[[Context, Mapping[str, Any]], tuple[bool, Figures]]
    describe: Callable[[Figures, Mapping[str, Any]], str]

    def with_defaults(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {name: params.get(name, spec.default) for name, spec in self.params.items()}

    def evaluate(self, context: Context, params: Mapping[str, Any]) -> tuple[bool, Figures]:
        return self.compute(context, self.with_defaults(params))


RULES: dict[str, Rule] = {}


def rule(key: str, label: Any, params: Mapping[str, Param] | None = None) -> Callable[..., Any]:
    """Register ``compute`` (and, through ``.describer``, its sentence) under ``key``."""

    def decorator(compute: Callable[[Context, Mapping[str, Any]], tuple[bool, Figures]]) -> Any:
        def register(describe: Callable[[Figures, Mapping[str, Any]], str]) -> Callable[..., str]:
            RULES[key] = Rule(key=key, label=label, params=params or {}, compute=compute, describe=describe)
            return describe

        compute.describer = register  # type: ignore[attr-defined]
        return compute

    return decorator


def get(key: str) -> Rule | None:
    return RULES.get(key)


def choices() -> list[tuple[str, str]]:
    return [(key, str(r.label)) for key, r in sorted(RULES.items())]


def check_params(key: str, params: Any) -> list[str]:
    """What is wrong with ``params`` for rule ``key`` (empty: nothing), in the reader's language."""
    found = get(key)
    if found is None:
        return [_("Choose one of the evidence rules Ronda knows.")]
    if not isinstance(params, dict):
        return [_("The parameters must be a set of names and values.")]
    problems = []
    for name, value in params.items():
        spec = found.params.get(name)
        if spec is None:
            problems.append(_("The rule has no parameter called “%(name)s”.") % {"name": name})
        elif spec.kind is bool:
            if not isinstance(value, bool):
                problems.append(_("“%(name)s” must be yes or no.") % {"name": name})
        elif isinstance(value, bool) or not isinstance(value, int) or not spec.minimum <= value <= spec.maximum:
            problems.append(
                _("“%(name)s” must be a whole number from %(min)d to %(max)d.")
                % {"name": name, "min": spec.minimum, "max": spec.maximum}
            )
    return problems


# --- Dates ---------------------------------------------------------------------------------------------
def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _window(context: Context, months: int) -> tuple[dt.date, dt.date]:
    return months_before(context.day, months) + dt.timedelta(days=1), context.day


def _share(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


MONTHS = Param(int, 12, gettext_lazy("Months looked back"), minimum=1, maximum=120)


# --- The commitment (the cycle's own record) -----------------------------------------------------------
@rule(
    "cycle.commitment",
    gettext_lazy("The council's resolution, the signed commitment and the municipal liaison are recorded"),
)
def _commitment(context: Context, params: Mapping[str, Any]) -> tuple[bool, Figures]:
    c = context.commitment
    figures = {
        "resolution": bool(c.get("resolution_on")),
        "signed": bool(c.get("agreement_signed_on")),
        "liaison": bool((c.get("liaison_name") or "").strip()),
    }
    return all(figures.values()), figures


@_commitment.describer
def _commitment_text(figures: Figures, params: Mapping[str, Any]) -> str:
    missing = [
        text
        for key, text in (
            ("resolution", _("the council's resolution")),
            ("signed", _("the signed commitment")),
            ("liaison", _("the municipal liaison")),
        )
        if not figures.get(key)
    ]
    if not missing:
        return _("Resolution, signed commitment and municipal liaison recorded.")
    return _("Still to record: %(missing)s.") % {"missing": ", ".join(missing)}


# --- The coordination body -----------------------------------------------------------------------------
@rule(
    "coordination.body_meets",
    gettext_lazy("The coordination body exists and met, with political-level attendance"),
    {
        "months": MONTHS,
        "min_meetings": Param(int, 2, gettext_lazy("Meetings held at least"), maximum=365),
        "political": Param(bool, True, gettext_lazy("A political-level member attended at least once")),
    },
)
def _body_meets(context: Context, params: Mapping[str, Any]) -> tuple[bool, Figures]:
    facts = coordination_contracts.body_facts(context.unit, context.day)
    start, end = _window(context, params["months"])
    activity = coordination_contracts.body_activity(context.unit, start, end) if facts.exists else None
    figures = {
        "body": facts.exists,
        "members": facts.active_members,
        "meetings": activity.meetings_held if activity else 0,
        "with_political": activity.meetings_with_political if activity else 0,
        "attendance_rate": activity.attendance_rate if activity else None,
    }
    meetings, political = activity.meetings_held if activity else 0, activity.meetings_with_political if activity else 0
    met = facts.exists and meetings >= params["min_meetings"] and (not params["political"] or political > 0)
    return met, figures


@_body_meets.describer
def _body_meets_text(figures: Figures, params: Mapping[str, Any]) -> str:
    if not figures.get("body"):
        return _("The municipality has no coordination body in Ronda.")
    return ngettext(
        "%(count)d meeting held in the last %(months)d months, %(political)d with political-level attendance.",
        "%(count)d meetings held in the last %(months)d months, %(political)d with political-level attendance.",
        figures["meetings"],
    ) % {"count": figures["meetings"], "months": params["months"], "political": figures["with_political"]}


@rule(
    "coordination.agreements_on_time",
    gettext_lazy("The body fulfils its agreements on time"),
    {"months": MONTHS, "min_percent": Param(int, 60, gettext_lazy("Fulfilled on time at least (%)"), maximum=100)},
)
def _agreements(context: Context, params: Mapping[str, Any]) -> tuple[bool, Figures]:
    start, end = _window(context, params["months"])
    agreements = coordination_contracts.agreement_figures(context.unit, start, end, context.day)
    percent = agreements.on_time_percent
    figures = {"due": agreements.due, "on_time": agreements.fulfilled_on_time, "percent": percent}
    return percent is not None and percent >= params["min_percent"], figures


@_agreements.describer
def _agreements_text(figures: Figures, params: Mapping[str, Any]) -> str:
    if not figures.get("due"):
        return _("No agreement fell due in the period.")
    return _("%(on_time)d of %(due)d agreements due were fulfilled on time (%(percent)d %%).") % figures


# --- The plan and the diagnosis --------------------------------------------------------------------------
@rule(
    "planning.diagnosis",
    gettext_lazy("A situation analysis (diagnosis) of the children, recent, with children taking part"),
    {
        "months": Param(int, 48, gettext_lazy("Months looked back"), minimum=1, maximum=120),
        "children": Param(bool, True, gettext_lazy("Children took part")),
    },
)
def _diagnosis(context: Context, params: Mapping[str, Any]) -> tuple[bool, Figures]:
    facts = planning_contracts.diagnosis_facts(context.unit)
    if facts is None:
        return False, {"diagnosis": False}
    start, _end = _window(context, params["months"])
    figures = {
        "diagnosis": True,
        "period_end": _iso(facts.period_end),
        "findings": facts.findings,
        "opportunities": facts.opportunities,
        "children": facts.children_participants,
        "recent": facts.period_end >= start,
    }
    met = facts.period_end >= start and (not params["children"] or facts.children_participants > 0)
    return met, figures


@_diagnosis.describer
def _diagnosis_text(figures: Figures, params: Mapping[str, Any]) -> str:
    if not figures.get("diagnosis"):
        return _("No situation analysis is recorded.")
    return _(
        "Diagnosis up to %(end)s: %(findings)d findings, %(opportunities)d improvement opportunities, "
        "%(children)d children took part."
    ) % {
        "end": figures["period_end"],
        "findings": figures["findings"],
        "opportunities": figures["opportunities"],
        "children": figures["children"],
    }


@rule(
    "planning.plan_with_budget",
    gettext_lazy("An approved local plan in force, with a budget"),
)
def _plan(context: Context, params: Mapping[str, Any]) -> tuple[bool, Figures]:
    plan = planning_contracts.plan_in_force(context.unit, context.day)
    if plan is None:
        return False, {"plan": False}
    progress = planning_contracts.plan_progress(plan)
    figures = {
        "plan": True,
        "title": plan.title,
        "approved_on": _iso(plan.approved_on),
        "measures": progress.measure_count,
        "planned": str(progress.total.planned),
        "executed": str(progress.total.executed),
        "progress": _share(progress.progress),
    }
    return progress.total.planned > 0 and progress.measure_count > 0, figures


@_plan.describer
def _plan_text(figures: Figures, params: Mapping[str, Any]) -> str:
    if not figures.get("plan"):
        return _("No approved plan is in force.")
    return ngettext(
        "“%(title)s”, approved on %(approved)s: %(count)d measure, budget planned %(planned)s.",
        "“%(title)s”, approved on %(approved)s: %(count)d measures, budget planned %(planned)s.",
        figures["measures"],
    ) % {
        "title": figures["title"],
        "approved": figures["approved_on"] or "—",
        "count": figures["measures"],
        "planned": figures["planned"],
    }


@rule("planning.previous_plan_evaluated", gettext_lazy("The previous plan was evaluated"))
def _evaluated(context: Context, params: Mapping[str, Any]) -> tuple[bool, Figures]:
    plan = planning_contracts.last_evaluated_plan(context.unit)
    if plan is None:
        return False, {"evaluated": False}
    return True, {"evaluated": True, "title": plan.title, "period_end": _iso(plan.period_end)}


@_evaluated.describer
def _evaluated_text(figures: Figures, params: Mapping[str, Any]) -> str:
    if not figures.get("evaluated"):
        return _("No plan of the municipality is marked evaluated.")
    return _("“%(title)s” (until %(end)s) was evaluated.") % {"title": figures["title"], "end": figures["period_end"]}


@rule("planning.policy_instrument", gettext_lazy("A local policy, ordinance or decree for children is in force"))
def _instrument(context: Context, params: Mapping[str, Any]) -> tuple[bool, Figures]:
    instruments = planning_contracts.published_instruments(context.unit)
    return bool(instruments), {"count": len(instruments), "titles": [i.title for i in instruments[:5]]}


@_instrument.describer
def _instrument_text(figures: Figures, params: Mapping[str, Any]) -> str:
    if not figures.get("count"):
        return _("No policy instrument for children is approved or in force.")
    return ngettext(
        "%(count)d policy instrument in force: %(titles)s.",
        "%(count)d policy instruments in force: %(titles)s.",
        figures["count"],
    ) % {"count": figures["count"], "titles": "; ".join(figures["titles"])}


@rule(
    "planning.children_budget",
    gettext_lazy("A share of the municipal budget is invested in children"),
    {"min_percent": Param(int, 1, gettext_lazy("Share of the municipal budget at least (%)"), maximum=100)},
)
def _budget(context: Context, params: Mapping[str, Any]) -> tuple[bool, Figures]:
    year = context.day.year - 1
    investment = planning_contracts.children_investment(context.unit, year)
    share = investment.executed_share
    figures = {"year": year, "entered": investment.has_total, "share": _share(share)}
    return share is not None and share >= params["min_percent"], figures


@_budget.describer
def _budget_text(figures: Figures, params: Mapping[str, Any]) -> str:
    if not figures.get("entered"):
        return _("The municipal budget of %(year)d is not entered.") % {"year": figures["year"]}
    return _("In %(year)d, %(share)s %% of the municipal budget was executed for children.") % {
        "year": figures["year"],
        "share": f"{figures['share']:.1f}" if figures.get("share") is not None else "—",
    }


# --- The children's council ------------------------------------------------------------------------------
@rule(
    "council.active",
    gettext_lazy("The children's council is installed, meets and gets its requests answered on time"),
    {
        "months": Param(int, 6, gettext_lazy("Months looked back"), minimum=1, maximum=120),
        "min_sessions": Param(int, 1, gettext_lazy("Sessions held at least"), maximum=365),
        "min_on_time_percent": Param(int, 0, gettext_lazy("Requests answered on time at least (%)"), maximum=100),
    },
)
def _council(context: Context, params: Mapping[str, Any]) -> tuple[bool, Figures]:
    facts = council_contracts.council_facts(context.unit, context.day)
    if not facts.installed:
        return False, {"installed": False}
    start, end = _window(context, params["months"])
    sessions = council_contracts.session_figures(context.unit, start, end)
    year_start, _end = _window(context, 12)
    requests = council_contracts.request_figures(context.unit, year_start, end)
    on_time = requests.on_time_percent
    figures = {
        "installed": True,
        "sessions": sessions.sessions,
        "accountability_sessions": sessions.accountability_sessions,
        "requests": requests.received,
        "answered": requests.answered,
        "on_time_percent": on_time,
    }
    answered_ok = params["min_on_time_percent"] == 0 or (
        on_time is not None and on_time >= params["min_on_time_percent"]
    )
    return sessions.sessions >= params["min_sessions"] and answered_ok, figures


@_council.describer
def _council_text(figures: Figures, params: Mapping[str, Any]) -> str:
    if not figures.get("installed"):
        return _("The children's council is not installed.")
    text = ngettext(
        "%(count)d session in the last %(months)d months.",
        "%(count)d sessions in the last %(months)d months.",
        figures["sessions"],
    ) % {"count": figures["sessions"], "months": params["months"]}
    if figures.get("on_time_percent") is not None:
        text += " " + _("%(percent)d %% of the answers of the last 12 months given on time.") % {
            "percent": figures["on_time_percent"]
        }
    return text


# --- Reports, the Tablero ---------------------------------------------------------------------------------
@rule(
    "accountability.periodic_report",
    gettext_lazy("A periodic report of the plan was produced"),
    {"months": MONTHS},
)
def _report(context: Context, params: Mapping[str, Any]) -> tuple[bool, Figures]:
    start, end = _window(context, params["months"])
    count = accountability_contracts.reports_produced(context.unit, start, end)
    return count > 0, {"reports": count}


@_report.describer
def _report_text(figures: Figures, params: Mapping[str, Any]) -> str:
    return ngettext(
        "%(count)d report of the plan produced in the last %(months)d months.",
        "%(count)d reports of the plan produced in the last %(months)d months.",
        figures["reports"],
    ) % {"count": figures["reports"], "months": params["months"]}


@rule(
    "accountability.situation_report",
    gettext_lazy("A situation report of the municipality's children was produced"),
    {"months": Param(int, 24, gettext_lazy("Months looked back"), minimum=1, maximum=120)},
)
def _situation(context: Context, params: Mapping[str, Any]) -> tuple[bool, Figures]:
    start, end = _window(context, params["months"])
    count = accountability_contracts.situation_reports_produced(context.unit, start, end)
    return count > 0, {"reports": count}


@_situation.describer
def _situation_text(figures: Figures, params: Mapping[str, Any]) -> str:
    return ngettext(
        "%(count)d situation report produced in the last %(months)d months.",
        "%(count)d situation reports produced in the last %(months)d months.",
        figures["reports"],
    ) % {"count": figures["reports"], "months": params["months"]}


def _children(unit: OrgUnit) -> int:
    population = unit.child_population or {}
    return sum(
        int(count)
        for bands in population.values()
        if isinstance(bands, dict)
        for count in bands.values()
        if isinstance(count, int)
    )


@rule(
    "tablero.indicators_reported",
    gettext_lazy("Catalogue indicators reported for the last year, more for larger municipalities"),
    {
        "min_small": Param(int, 5, gettext_lazy("Data elements at least (under 10,000 children)"), maximum=1000),
        "min_medium": Param(int, 10, gettext_lazy("Data elements at least (10,000 to 50,000 children)"), maximum=1000),
        "min_large": Param(int, 15, gettext_lazy("Data elements at least (over 50,000 children)"), maximum=1000),
    },
)
def _tablero(context: Context, params: Mapping[str, Any]) -> tuple[bool, Figures]:
    year = context.day.year - 1
    count = tablero_contracts.reported_elements(context.unit, dt.date(year, 1, 1), dt.date(year, 12, 31))
    children = _children(context.unit)
    size = "small" if children < 10_000 else ("medium" if children <= 50_000 else "large")
    needed = params[f"min_{size}"]
    return count >= needed, {"year": year, "elements": count, "needed": needed, "children": children}


@_tablero.describer
def _tablero_text(figures: Figures, params: Mapping[str, Any]) -> str:
    return ngettext(
        "%(count)d data element reported for %(year)d (%(needed)d needed for the municipality's size).",
        "%(count)d data elements reported for %(year)d (%(needed)d needed for the municipality's size).",
        figures["elements"],
    ) % {"count": figures["elements"], "year": figures["year"], "needed": figures["needed"]}


# --- Safeguarding, training, consultations, the self-assessment ----------------------------------------------
@rule("safeguarding.protocol", gettext_lazy("A safeguarding protocol is approved"))
def _protocol(context: Context, params: Mapping[str, Any]) -> tuple[bool, Figures]:
    facts = safeguarding_contracts.protocol_facts(context.unit)
    protocol = facts.protocol
    return protocol is not None, {
        "approved": protocol is not None,
        "edition": protocol.edition if protocol else "",
        "approved_on": _iso(protocol.approved_on) if protocol else None,
        "code_of_conduct": facts.code_of_conduct is not None,
    }


@_protocol.describer
def _protocol_text(figures: Figures, params: Mapping[str, Any]) -> str:
    if not figures.get("approved"):
        return _("No safeguarding protocol is approved.")
    return _("Protocol “%(edition)s” approved on %(day)s.") % {
        "edition": figures["edition"],
        "day": figures["approved_on"],
    }


@rule(
    "training.areas_trained",
    gettext_lazy("Staff of the municipal areas were trained in children's rights in the last year"),
    {"min_percent": Param(int, 50, gettext_lazy("Areas with trained staff at least (%)"), maximum=100)},
)
def _training(context: Context, params: Mapping[str, Any]) -> tuple[bool, Figures]:
    facts = training_contracts.areas_trained(context.unit, context.day)
    share = facts.share
    figures = {"areas": facts.areas, "trained": facts.trained, "share": _share(share)}
    return share is not None and share >= params["min_percent"], figures


@_training.describer
def _training_text(figures: Figures, params: Mapping[str, Any]) -> str:
    return _("%(trained)d of %(areas)d areas had staff at a training in the last 12 months.") % figures


@rule(
    "consultations.children_consulted",
    gettext_lazy("Children were consulted"),
    {"months": MONTHS, "min_children": Param(int, 1, gettext_lazy("Children consulted at least"))},
)
def _consulted(context: Context, params: Mapping[str, Any]) -> tuple[bool, Figures]:
    start, end = _window(context, params["months"])
    consulted = consultations_contracts.children_consulted(context.unit, start, end)
    return consulted.total >= params["min_children"], {"children": consulted.total}


@_consulted.describer
def _consulted_text(figures: Figures, params: Mapping[str, Any]) -> str:
    return ngettext(
        "%(count)d child consulted in the last %(months)d months.",
        "%(count)d children consulted in the last %(months)d months.",
        figures["children"],
    ) % {"count": figures["children"], "months": params["months"]}


@rule(
    "improvement.self_assessment",
    gettext_lazy("The local government assessed its own management recently"),
    {"months": Param(int, 24, gettext_lazy("Months looked back"), minimum=1, maximum=120)},
)
def _self_assessment(context: Context, params: Mapping[str, Any]) -> tuple[bool, Figures]:
    facts = improvement_contracts.self_assessment_facts(context.unit)
    if facts is None:
        return False, {"assessed": False}
    start, _end = _window(context, params["months"])
    latest = facts.latest
    return latest.held_on >= start, {
        "assessed": True,
        "held_on": _iso(latest.held_on),
        "overall": _share(latest.overall),
        "gaps": latest.gaps,
    }


@_self_assessment.describer
def _self_assessment_text(figures: Figures, params: Mapping[str, Any]) -> str:
    if not figures.get("assessed"):
        return _("No self-assessment round is recorded.")
    return ngettext(
        "Latest round on %(day)s: %(gaps)d gap found.",
        "Latest round on %(day)s: %(gaps)d gaps found.",
        figures["gaps"],
    ) % {"day": figures["held_on"], "gaps": figures["gaps"]}


def describe(key: str, figures: Figures, params: Mapping[str, Any]) -> str:
    """The sentence for frozen or live figures of rule ``key``, in the current language."""
    found = get(key)
    if found is None:
        return ""
    try:
        return found.describe(figures, found.with_defaults(params))
    except (KeyError, TypeError, ValueError):
        # Figures frozen by an older version of a rule: the reader still gets the raw figures.
        return ", ".join(f"{k}: {v}" for k, v in sorted(figures.items()))
