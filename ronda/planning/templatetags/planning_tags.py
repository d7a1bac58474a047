"""Template helpers of the planning pages: status badges (text + colour, never colour alone)."""

from __future__ import annotations

from django import template

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
