"""Vocabularies shared by several domains."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class GoalArea(models.TextChoices):
    """The five CFCI goal areas, used as tags across the planning cycle."""

    EQUITY = "equity", _("Equity and non-discrimination")
    PARTICIPATION = "participation", _("Participation")
    SERVICES = "services", _("Essential services")
    ENVIRONMENT = "environment", _("Safe and clean environment")
    FAMILY = "family", _("Family life, play and leisure")


class Horizon(models.TextChoices):
    SHORT = "short", _("Short term")
    MEDIUM = "medium", _("Medium term")
    LONG = "long", _("Long term")


class ChildAgeBand(models.TextChoices):
    AGE_0_5 = "0-5", _("0 to 5 years")
    AGE_6_11 = "6-11", _("6 to 11 years")
    AGE_12_17 = "12-17", _("12 to 17 years")
