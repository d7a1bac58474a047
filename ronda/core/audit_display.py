"""The audit trail in the reader's words: field labels, choice labels, related objects by name.

An event stores what the service wrote: the model's label (``planning.measure``), attribute
names (``routed_area_id``) and raw values (``7``, ``"accepted"``). This turns them into what a
coordinator or a supervisor reads ("Área derivada: — → Salud", "Estado: Recibida → Aceptada"),
in the active language, through Django's app registry alone: the kernel knows no domain.

What it never shows:

- a value of a field the model declares personal (``PERSONAL_FIELDS``): "hidden";
- the name of an object whose model declares personal fields, which could have been written
  into its stored name: such an object is named by its kind and number ("Integrante del consejo
  #12"), whether it is the event's object or the target of a reference;
- the name of a referenced object the reader may not open in its own module (``audit_readers``):
  its kind and number.

``display`` runs one query per kind of referenced object on the page, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ronda.core import audit_readers
from ronda.core.audit import REDACTED, redacted_fields
from ronda.core.models import AuditAction
from ronda.core.roles import Role

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from ronda.core.tenancy import Actor

# Session bookkeeping, not work: left out of the "latest changes" of the home pages.
SESSION_ACTIONS = (AuditAction.LOGIN, AuditAction.LOGIN_FAILED, AuditAction.LOGOUT, AuditAction.MEMBERSHIP_SWITCH)


def work_changes(events: QuerySet[Any]) -> QuerySet[Any]:
    """``events`` without sign-ins, sign-outs and role switches: the changes to the work."""
    return events.exclude(action__in=SESSION_ACTIONS)


@dataclass(frozen=True)
class Change:
    field: str  # the field's label in the active language (its stored name when unknown)
    old: str | None  # None: no value ("—"); values are None too when the row is not readable
    new: str | None


@dataclass(frozen=True)
class DisplayRow:
    """An event as this reader sees it, every part already in their words."""

    view: audit_readers.EventView
    label: str  # the object's name, or its kind and number
    kind: str  # the object's kind ("Solicitud")
    changes: list[Change]
    role: str  # the acting role's label
    by_kind: bool = False  # the label is the kind and number (the name is hidden or may be personal)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.view, name)


def _model(label: str) -> type[models.Model] | None:
    if not label:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _kind(model: type[models.Model] | None, label: str) -> str:
    return str(capfirst(model._meta.verbose_name)) if model is not None else label


def _numbered(model: type[models.Model] | None, label: str, pk: object) -> str:
    return _("%(kind)s #%(number)s") % {"kind": _kind(model, label), "number": pk}


def _named_by_kind(model: type[models.Model] | None) -> bool:
    """Objects of a model with personal fields are named by kind and number, never by a stored name."""
    return model is None or bool(redacted_fields(model))


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)  # by name or by attname ("routed_area_id")
    except FieldDoesNotExist:  # a key that is not a field (or no longer one) shows as stored
        return None
    return field if isinstance(field, models.Field) else None


def _role_label(value: str) -> str:
    try:
        return str(Role(value).label)
    except ValueError:
        return value


def _scalar(field: models.Field[Any, Any] | None, value: Any) -> str | None:
    """One stored value in the reader's words (references are resolved by the caller)."""
    if value is None or value == "":
        return None
    if value == REDACTED:
        return _("hidden (personal data)")
    if field is not None and field.choices:
        choices = {str(k): v for k, v in field.flatchoices}
        if str(value) in choices:
            return str(choices[str(value)])
    if isinstance(value, bool) or isinstance(field, models.BooleanField):
        return _("Yes") if value in (True, "true", "True") else pgettext("answer", "No")
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        if day is not None:
            return formats.date_format(day, "SHORT_DATE_FORMAT")
    if isinstance(field, models.DecimalField | models.FloatField | models.IntegerField) and not isinstance(
        value, list | dict
    ):
        try:
            return formats.number_format(Decimal(str(value)), use_l10n=True, force_grouping=True)
        except (InvalidOperation, ValueError):
            return str(value)
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _hidden(value: Any) -> str | None:
    return None if value is None or value == "" else _("hidden (personal data)")


def _reference_ids(value: Any) -> list[int]:
    items = value if isinstance(value, list) else [value]
    ids = []
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool):
            ids.append(item)
        elif isinstance(item, str) and item.isdigit():
            ids.append(int(item))
    return ids


def _bookkeeping(model: type[models.Model] | None, name: str) -> bool:
    """The row's own id and its edit counter: in every diff, telling the reader nothing."""
    return model is not None and name in {model._meta.pk.attname, model._meta.pk.name, "version"}


def display(actor: Actor, events: Iterable[Any], *, with_changes: bool = True) -> list[DisplayRow]:
    """The events as ``actor`` may see them (``audit_readers.present``), in the reader's words.

    ``with_changes=False`` names the objects only (a list that shows no values): no query for the
    objects the changes refer to."""
    views = audit_readers.present(actor, events)
    if not with_changes:
        views = [audit_readers.EventView(event=v.event, readable=v.readable, label=v.label, changes=[]) for v in views]
    # First pass: which referenced objects the page needs, per related model.
    wanted: dict[type[models.Model], set[int]] = defaultdict(set)
    for view in views:
        model = _model(view.target_type)
        if not view.readable or model is None:
            continue
        hidden = redacted_fields(model)
        for name, old, new in view.changes:
            field = _field(model, name)
            if (
                _bookkeeping(model, name)
                or field is None
                or field.name in hidden
                or field.attname in hidden
                or not field.is_relation
            ):
                continue
            related = field.related_model
            if isinstance(related, type) and issubclass(related, models.Model) and not _named_by_kind(related):
                wanted[related].update(_reference_ids(old) + _reference_ids(new))
    names: dict[type[models.Model], dict[int, str]] = {}
    readers = audit_readers.registered()
    for related, ids in wanted.items():
        queryset: Any = related._default_manager.all()
        reader = readers.get(related._meta.label_lower)
        if not actor.is_admin and reader is not None:
            # The name of a referenced object only to who may open it in its own module.
            queryset = reader(actor)
        names[related] = {obj.pk: str(obj) for obj in queryset.filter(pk__in=ids)}

    def reference(field: models.Field[Any, Any], value: Any) -> str | None:
        ids = _reference_ids(value)
        if not ids:
            return _scalar(None, value)
        related = field.related_model
        model = related if isinstance(related, type) and issubclass(related, models.Model) else None
        known = names.get(model, {}) if model is not None else {}
        label = model._meta.label_lower if model is not None else ""
        return ", ".join(known.get(pk) or _numbered(model, label, pk) for pk in ids)

    rows = []
    for view in views:
        model = _model(view.target_type)
        hidden = redacted_fields(model) if model is not None else frozenset()
        changes = []
        for name, old, new in view.changes:
            if _bookkeeping(model, name):
                continue
            field = _field(model, name)
            label = str(capfirst(field.verbose_name)) if field is not None else name
            if not view.readable:
                changes.append(Change(label, None, None))
            elif name in hidden or (field is not None and (field.name in hidden or field.attname in hidden)):
                # Whatever was stored (older rows may hold the value itself): never shown.
                changes.append(Change(label, _hidden(old), _hidden(new)))
            elif field is not None and field.is_relation:
                changes.append(Change(label, reference(field, old), reference(field, new)))
            else:
                changes.append(Change(label, _scalar(field, old), _scalar(field, new)))
            if view.readable and changes and changes[-1].old is None and changes[-1].new is None:
                changes.pop()  # an empty field of a new object: nothing happened to it
        by_kind = bool(view.target_type) and (not view.readable or _named_by_kind(model))
        object_label = _numbered(model, view.target_type, view.target_id) if by_kind else view.label
        rows.append(
            DisplayRow(
                view=view,
                label=object_label,
                kind=_kind(model, view.target_type) if view.target_type else "",
                changes=changes,
                role=_role_label(view.actor_role) if getattr(view, "actor_role", "") else "",
                by_kind=by_kind,
            )
        )
    return rows
