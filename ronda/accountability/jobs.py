"""The background jobs of accountability: rendering a report's PDF (ronda.core.jobs, decision 0016)."""

from __future__ import annotations

from ronda.accountability import services
from ronda.core.jobs import person_job
from ronda.core.tenancy import Actor
from ronda.territory.selectors import in_time_zone_of


@person_job(on_refused=services.mark_report_failed)
def render_report(actor: Actor, report_id: int) -> None:
    # The service asks the policies again, as the actor acts now (404: refused, the report fails).
    # A job has no request: it runs in the acting municipality's zone, as the page that asked did.
    with in_time_zone_of(actor.org_unit):
        services.render_report(actor=actor, report_id=report_id)
