"""The consultations' place in the portal (``portal.registry``): no entry of the top menu.

Every role's menu is full (one row at 1366 px, ``portal/tests/test_navigation.py``), so the pages
are reached from where their readers already work, through the slots of ``slots.py``: the
coordination body's page links the consultations and the map of social actors, the diagnosis'
page lists the consultations citing its findings, and a measure's page those citing the measure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ronda.portal.registry import NavEntry

NAVIGATION: list[NavEntry] = []
