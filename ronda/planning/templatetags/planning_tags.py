"""Template helpers of the planning pages: status badges (text + colour, never colour alone) and
progress meters.

The meters are tags rather than ``{% include %}``s because a plan page draws ~70 of them: an include
pushes a context and renders a dozen nodes each time, which was a third of the page's render time.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from ronda.planning.models import MeasureStatus, PlanStatus

register = template.Library()

MEASURE_BADGES = {
    MeasureStatus.NOT_STARTED: "muted",
    MeasureStatus.IN_PROGRESS: "",
    MeasureStatus.DELAYED: "bad",
    MeasureStatus.COMPLETED: "ok",
    MeasureStatus.CANCELLED: "muted",
}
PLAN_BADGES = {
    PlanStatus.DRAFT: "warn",
    PlanStatus.APPROVED: "",
    PlanStatus.IN_EXECUTION: "ok",
    PlanStatus.EVALUATED: "muted",
}
CRITICALITY_BADGES = {"high": "bad", "medium": "warn", "low": "ok"}


@register.filter
def measure_badge(status: str) -> str:
    return MEASURE_BADGES.get(status, "")  # type: ignore[call-overload]


@register.filter
def plan_badge(status: str) -> str:
    return PLAN_BADGES.get(status, "")  # type: ignore[call-overload]


@register.filter
def criticality_badge(value: str) -> str:
    return CRITICALITY_BADGES.get(value, "")


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None


def _percent(value: Decimal | float | int) -> str:
    """Whole percent, half up, as ``floatformat:0`` shows it (no grouping below 1,000)."""
    return str(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@register.simple_tag
def progress_meter(value: Decimal | None, label: str = "", large: bool = False) -> SafeString:
    """A <progress> with its value written out; "no measures yet" when there is nothing to measure."""
    if value is None:
        return format_html('<span class="muted">{}</span>', gettext("no measures yet"))
    percent = _percent(value)
    return format_html(
        '<span class="meter{}"><progress max="100" value="{}" aria-label="{}">{} %</progress>'
        '<span class="meter-value">{} %</span></span>',
        " large" if large else "",
        str(value),
        label or gettext("Progress"),
        percent,
        percent,
    )


@register.simple_tag
def progress_line(value: Decimal | None, label: str = "") -> SafeString:
    """The public pages' meter: a <progress> and the percent in bold; "no data yet" without data."""
    if value is None:
        return format_html('<span class="muted">{}</span>', gettext("no data yet"))
    percent = _percent(value)
    return format_html(
        '<span class="progress-line"><progress max="100" value="{}" aria-label="{}">{}%</progress> '
        "<strong>{}%</strong></span>",
        str(value),
        label,
        percent,
        percent,
    )
