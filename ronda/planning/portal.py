"""Planning on the portal's home page (``portal.registry``): the plan alerts of the coordinator's
municipality and of the focal point's own measures, the figures waiting for the coordinator's
validation, and the figures returned to the focal point (``views.coresponsibility.home_alerts``,
loaded by htmx after the page). (Planning's menu entries are declared with
the portal's own, in ``ronda/portal/entries.py``; "My commitments" is linked from "My measures" and
from this panel, so that the focal point's menu stays as it was.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ronda.planning import policies

if TYPE_CHECKING:
    from ronda.portal.registry import HomePanel


HOME_PANELS: list[HomePanel] = [
    {
        # A placeholder the page fills after it loads (htmx): the home page's own queries stay as they
        # were (core/tests/test_query_counts.py), the alerts are read by ``planning:home_alerts``.
        "template": "planning/coresp/_home.html",
        "visible": policies.can_see_home_alerts,
        # After coordination's (10) and the council's (20) panels of the same roles.
        "order": 25,
    },
]
