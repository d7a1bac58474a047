"""The background job of the evaluation: rendering the final report's PDF (ronda.core.jobs, decision 0016)."""

from __future__ import annotations

from ronda.core.jobs import person_job
from ronda.core.tenancy import Actor
from ronda.evaluation import services
from ronda.territory.selectors import in_time_zone_of


@person_job(on_refused=services.mark_report_failed)
def render_report(actor: Actor, report_id: int) -> None:
    # The service asks the policies again, as the actor acts now (404: refused, the report fails).
    with in_time_zone_of(actor.org_unit):
        services.render_report(actor=actor, report_id=report_id)
