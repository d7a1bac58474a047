"""Links that tell the planning cycle's story (issue #13 item 11): an agenda item or an agreement of
the coordination body, or a request of the children's council, tied to the plan measure that takes it
up (Decidim's proposal → result). The records live in their own domains, side by side; the link lives
here, above them, so that neither domain imports the other. Shown on both sides through the kernel's
slots, and the council's answers on the public page name the measure that answers them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LinkKind(models.TextChoices):
    AGENDA_ITEM = "agenda_item", pgettext_lazy("link source", "Agenda item")
    AGREEMENT = "agreement", _("Agreement")
    COUNCIL_REQUEST = "council_request", pgettext_lazy("link source", "Children's council request")


# The source field each kind fills (exactly one of them is set).
SOURCE_FIELD = {
    LinkKind.AGENDA_ITEM: "agenda_item",
    LinkKind.AGREEMENT: "agreement",
    LinkKind.COUNCIL_REQUEST: "council_request",
}


class MeasureLink(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=LinkKind.choices)
    measure = models.ForeignKey(
        "planning.Measure", verbose_name=_("measure"), on_delete=models.CASCADE, related_name="+"
    )
    agenda_item = models.ForeignKey(
        "coordination.AgendaItem",
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    agreement = models.ForeignKey(
        "coordination.Agreement",
        verbose_name=_("agreement"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    council_request = models.ForeignKey(
        "council.CouncilRequest",
        verbose_name=_("council request"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # How the measure takes the record up (for the council: what the children are told).
    note = models.CharField(_("how the measure takes it up"), max_length=500, blank=True)
    # The municipality of both ends (they must share it): scopes the links and their audit events.
    org_unit = models.ForeignKey(
        "territory.OrgUnit", verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("linked on"), default=timezone.now)

    class Meta:
        verbose_name = _("link to a measure")
        verbose_name_plural = _("links to measures")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=LinkKind.AGENDA_ITEM,
                        agenda_item__isnull=False,
                        agreement__isnull=True,
                        council_request__isnull=True,
                    )
                    | Q(
                        kind=LinkKind.AGREEMENT,
                        agenda_item__isnull=True,
                        agreement__isnull=False,
                        council_request__isnull=True,
                    )
                    | Q(
                        kind=LinkKind.COUNCIL_REQUEST,
                        agenda_item__isnull=True,
                        agreement__isnull=True,
                        council_request__isnull=False,
                    )
                ),
                name="measure_link_one_source",
            ),
            models.UniqueConstraint(fields=["measure", "agenda_item"], name="measure_link_agenda_unique"),
            models.UniqueConstraint(fields=["measure", "agreement"], name="measure_link_agreement_unique"),
            models.UniqueConstraint(fields=["measure", "council_request"], name="measure_link_request_unique"),
        ]
        indexes = [models.Index(fields=["measure", "kind"], name="measure_link_measure_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.measure_id}"

    @property
    def source_id(self) -> int | None:
        value: int | None = getattr(self, f"{SOURCE_FIELD[LinkKind(self.kind)]}_id")
        return value
