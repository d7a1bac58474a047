"""The figures of alternative care, kept per unit and year (decision 0026, "The figures' snapshot").

Counting a country's alternative care reads every placement and measure of it: seconds at national
scale. The deinstitutionalisation dashboard shows a unit beside its parent, its siblings and its
sub-units (they are suppressed together), so one page needs the counts of a hundred units. They are
computed in one pass per country (``protection.figures``), by a periodic job and whenever a page finds
them stale, and kept here: counts only (``counts``: what ``protection.figures.encode`` writes), never
a name, a file or a child. Not personal data, not audited: derived, recomputed, replaced.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FigureSnapshot(models.Model):
    unit = models.ForeignKey("territory.OrgUnit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    # The day counted: the year's last day, or the day of the computation for the current year.
    day = models.DateField(_("day counted"))
    computed_at = models.DateTimeField(_("computed at"))
    counts = models.JSONField(_("figures counted"))

    class Meta:
        verbose_name = _("figures snapshot")
        verbose_name_plural = _("figures snapshots")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="pfigures_unit_year_uniq")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} ({self.day})"
