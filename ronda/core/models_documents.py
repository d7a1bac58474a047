"""The kernel's document store: a document of some object, and every version of its file.

A **document** belongs to one object of a domain (a coordination body, a meeting, a plan), named
by content type and id so that the kernel imports no domain, and has a ``kind`` the domain chooses
("regulation", "annex" …), a title, and, for the acts most documents are, the act's number and date.
Each upload is a **version**: a new upload of the same document adds one, and the old versions
stay (never edited, never deleted). ``current`` is the latest.

Who may see or change a document is the owner's domain's business: the kernel's functions
(``ronda.core.documents``) take an owner the domain's policy already checked.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ronda.core.models import VersionedModel


def version_path(instance: Any, filename: str) -> str:
    # Random names: an uploaded file's name never reaches the disk or a URL.
    return f"documents/{uuid.uuid4().hex}"


class Document(VersionedModel):
    owner_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+"
    )
    owner_id = models.PositiveBigIntegerField(_("object id"))
    owner = GenericForeignKey("owner_type", "owner_id")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(
        _("number of the act"), max_length=255, blank=True, help_text=_("E.g. Resolution 012-2026.")
    )
    dated = models.DateField(_("date of the act"), null=True, blank=True)
    current = models.ForeignKey(
        "core.DocumentVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "title", "id"]
        indexes = [models.Index(fields=["owner_type", "owner_id", "kind"], name="document_owner_idx")]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """One upload of a document's file, as it was checked: never changed afterwards."""

    NOT_PERSONAL = {"document": "the document this file is a version of (an act, an annex), not an identity document"}

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=version_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    note = models.CharField(_("note"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_version_number")]

    def __str__(self) -> str:
        return gettext("%(title)s, version %(number)s") % {"title": self.document.title, "number": self.number}
