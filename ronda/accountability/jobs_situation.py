"""The background job that renders a situation report's PDF (ronda.core.jobs, decision 0016)."""

from __future__ import annotations

from ronda.accountability import services_situation
from ronda.core.jobs import person_job
from ronda.core.tenancy import Actor
from ronda.territory.selectors import in_time_zone_of


@person_job(on_refused=services_situation.mark_situation_report_failed)
def render_situation_report(actor: Actor, report_id: int) -> None:
    # The service asks the policy again, as the actor acts now (404: refused, the report fails).
    with in_time_zone_of(actor.org_unit):
        services_situation.render_situation_report(actor=actor, report_id=report_id)
