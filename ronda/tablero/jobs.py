"""The Tablero's background jobs (ronda.core.jobs, decision 0016): checking and applying an
import, pushing approved values to a ministry's DHIS2 (``tablero.push``)."""

from __future__ import annotations

from ronda.core.jobs import person_job
from ronda.core.tenancy import Actor
from ronda.tablero import imports, push


@person_job(on_refused=imports.mark_failed)
def check_import(actor: Actor, import_id: int) -> None:
    # ``imports.check`` asks the policy again, as the actor acts now (404: refused, the import fails).
    imports.check(actor=actor, import_id=import_id)


@person_job(on_refused=imports.mark_failed)
def apply_import(actor: Actor, import_id: int) -> None:
    imports.apply(actor=actor, import_id=import_id)


@person_job(on_refused=push.mark_failed)
def push_values(actor: Actor, log_id: int) -> None:
    # ``push.run`` asks the policy again, as the actor acts now (404: refused, the push fails).
    push.run(actor=actor, log_id=log_id)
