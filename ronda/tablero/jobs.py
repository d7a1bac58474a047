"""The Tablero's background jobs (ronda.core.jobs, decision 0016): checking and applying an import."""

from __future__ import annotations

from ronda.core.jobs import person_job
from ronda.core.tenancy import Actor
from ronda.tablero import imports


@person_job(on_refused=imports.mark_failed)
def check_import(actor: Actor, import_id: int) -> None:
    # ``imports.check`` asks the policy again, as the actor acts now (404: refused, the import fails).
    imports.check(actor=actor, import_id=import_id)


@person_job(on_refused=imports.mark_failed)
def apply_import(actor: Actor, import_id: int) -> None:
    imports.apply(actor=actor, import_id=import_id)
