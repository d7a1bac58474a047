"""Validation rules between data elements ("of which girls ≤ total"), checked wherever values are
saved: the entry form (``tablero.entry``), the DHIS2 API (``dhis2.datavaluesets.guarded_save``) and
file imports (``tablero.imports``, over the whole file and again once it is written).

The catalogue has no rule model yet (issue #10: a ``ValidationRule`` needs a migration): the rules
are declared here, in code, by the codes of the elements they compare. A rule applies wherever both
elements' values of one org unit and period are known (what is being saved, over what is stored).
Each side is an element's total over its option combinations, or one option combination's value
(``"CODE.coc_code"``).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

OPERATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
}


@dataclass(frozen=True)
class Rule:
    left: str
    operator: str
    right: str
    message: str | Promise

    def side(self, text: str) -> tuple[str, str | None]:
        code, _dot, combo = text.partition(".")
        return code, combo or None

    @property
    def element_codes(self) -> tuple[str, str]:
        return self.side(self.left)[0], self.side(self.right)[0]

    def holds(self, left: Decimal, right: Decimal) -> bool:
        return OPERATORS[self.operator](left, right)


# The "of which" rules of the demo catalogue (element codes of ``tablero.demo_catalogue``), and any a
# deployment adds.
RULES: list[Rule] = [
    Rule(
        "INSC_OPORTUNA",
        "<=",
        "NAC_VIVOS",
        _("The timely birth registrations cannot be more than the live births."),
    ),
    Rule(
        "NAC_MADRE_10_14",
        "<=",
        "NAC_VIVOS",
        _("The live births to mothers aged 10 to 14 cannot be more than all the live births."),
    ),
    Rule(
        "NAC_MADRE_15_19",
        "<=",
        "NAC_VIVOS",
        _("The live births to mothers aged 15 to 19 cannot be more than all the live births."),
    ),
    Rule(
        "ESCUELAS_ACCESIBLES",
        "<=",
        "ESCUELAS",
        _("The accessible public schools cannot be more than the public schools."),
    ),
]


def rules_for(codes: set[str]) -> list[Rule]:
    """The rules whose two elements are both among ``codes``."""
    return [r for r in RULES if set(r.element_codes) <= codes]
