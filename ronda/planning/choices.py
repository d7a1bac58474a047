"""Vocabularies of the planning cycle that planning owns and publishes.

``GoalArea`` is the frame of the local plan (findings, opportunities and measures are tagged with
it); other domains may tag their records with the same vocabulary (the children's council tags a
request with the goal area of the plan it may feed) and import it from here, a published module
like ``contracts``, ``selectors`` and ``policies`` (see the import contracts in ``.importlinter``).
These used to live in ``core/choices.py``: the kernel knows no domain vocabulary.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class GoalArea(models.TextChoices):
    """The five CFCI goal areas, used as tags across the planning cycle."""

    EQUITY = "equity", _("Equity and non-discrimination")
    PARTICIPATION = "participation", pgettext_lazy("goal area", "Participation")
    SERVICES = "services", _("Essential services")
    ENVIRONMENT = "environment", _("Safe and clean environment")
    FAMILY = "family", _("Family life, play and leisure")


class Horizon(models.TextChoices):
    """When an improvement opportunity or a measure is expected to bear fruit."""

    SHORT = "short", _("Short term")
    MEDIUM = "medium", _("Medium term")
    LONG = "long", _("Long term")
