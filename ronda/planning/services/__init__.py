"""Every write of the planning app, each audited in its own transaction.

Split by subject; import from here: ``from ronda.planning import services``.
"""

from ronda.planning.services.common import ChangeRecord
from ronda.planning.services.diagnosis import (
    MAX_WORKSHOP_PARTICIPANTS,
    add_finding,
    add_workshop,
    create_analysis,
    create_opportunity,
    update_analysis,
    update_opportunity,
)
from ronda.planning.services.instruments import (
    InstrumentFields,
    add_instrument_document,
    create_instrument,
    create_municipal_budget,
    update_instrument,
    update_municipal_budget,
)
from ronda.planning.services.measures import BudgetLine, create_measure, institutions_for, update_measure
from ronda.planning.services.plans import (
    NEXT_STATUS,
    add_indicator,
    add_milestone,
    change_plan_status,
    complete_milestone,
    create_line,
    create_objective,
    create_plan,
    update_plan,
)
from ronda.planning.services.progress import (
    MAX_EVIDENCE_FILES,
    check_evidence,
    correct_progress,
    effective_percent,
    record_progress,
)
from ronda.planning.services.series import (
    OWN_SERIES_CODE,
    record_indicator_value,
    recordable_cell,
    usable_catalogue_indicators,
)
from ronda.planning.services.structure import (
    Position,
    Removal,
    move,
    remove,
    update_finding,
    update_indicator,
    update_line,
    update_milestone,
    update_objective,
    update_workshop,
)

__all__ = [
    "MAX_EVIDENCE_FILES",
    "MAX_WORKSHOP_PARTICIPANTS",
    "NEXT_STATUS",
    "OWN_SERIES_CODE",
    "BudgetLine",
    "ChangeRecord",
    "InstrumentFields",
    "Position",
    "Removal",
    "add_finding",
    "add_indicator",
    "add_instrument_document",
    "add_milestone",
    "add_workshop",
    "change_plan_status",
    "check_evidence",
    "complete_milestone",
    "correct_progress",
    "create_analysis",
    "create_instrument",
    "create_line",
    "create_measure",
    "create_municipal_budget",
    "create_objective",
    "create_opportunity",
    "create_plan",
    "effective_percent",
    "institutions_for",
    "move",
    "record_indicator_value",
    "record_progress",
    "recordable_cell",
    "remove",
    "update_analysis",
    "update_finding",
    "update_indicator",
    "update_instrument",
    "update_line",
    "update_measure",
    "update_milestone",
    "update_municipal_budget",
    "update_objective",
    "update_opportunity",
    "update_plan",
    "update_workshop",
    "usable_catalogue_indicators",
]
