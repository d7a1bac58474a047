"""Issue #8 item 1: every field that looks personal is declared, next to its model, as personal
(``PERSONAL_FIELDS``: redacted from the audit trail by ``audit.snapshot`` itself) or as not personal
(``NOT_PERSONAL``, with the reason). A new model with an undeclared ``phone`` fails here."""

from __future__ import annotations

import re

from django.apps import apps

from ronda.core import audit

LOOKS_PERSONAL = re.compile(
    r"(^|_)(first|last|full|given|family|middle|second)_?name|surname|nickname|e_?mail|phone|mobile|birth|"
    r"document|address|guardian|caregiver|ethnic|disab|migra|religion|health|diagnos|^sex$|gender|nationality"
)
# The trail itself: who acted and from where is what it is for.
TRAIL = {"core.auditevent", "core.accessevent"}


def _ronda_models() -> list[type]:
    return [m for m in apps.get_models() if m.__module__.startswith("ronda.") and m._meta.label_lower not in TRAIL]


def test_every_personal_looking_field_is_declared() -> None:
    undeclared = []
    for model in _ronda_models():
        personal = set(getattr(model, "PERSONAL_FIELDS", ()))
        public = set(getattr(model, "NOT_PERSONAL", {}))
        for field in model._meta.concrete_fields:
            if LOOKS_PERSONAL.search(field.name) and field.name not in personal | public:
                undeclared.append(f"{model._meta.label_lower}.{field.name}")
    assert undeclared == [], "declare each in the model's PERSONAL_FIELDS or NOT_PERSONAL (with the reason)"


def test_declarations_name_real_fields_and_give_reasons() -> None:
    for model in _ronda_models():
        names = {f.name for f in model._meta.concrete_fields} | {f.attname for f in model._meta.concrete_fields}
        for declared in getattr(model, "PERSONAL_FIELDS", ()):
            assert declared in names, f"{model._meta.label_lower}.{declared}"
        for declared, reason in getattr(model, "NOT_PERSONAL", {}).items():
            assert declared in names and len(reason) > 10, f"{model._meta.label_lower}.{declared}"
        assert not set(getattr(model, "PERSONAL_FIELDS", ())) & set(getattr(model, "NOT_PERSONAL", {}))


def test_the_snapshot_redacts_declared_fields_by_itself() -> None:
    from ronda.council.models import CouncilMember

    member = CouncilMember(first_name="Valentina", age_band="13-15")
    snap = audit.snapshot(member, ("first_name", "age_band"))
    assert audit._jsonable(snap) == {"first_name": "[redacted]", "age_band": "13-15"}
    renamed = audit.snapshot(CouncilMember(first_name="Sofía", age_band="13-15"), ("first_name", "age_band"))
    assert audit.diff(snap, renamed) == {"first_name": [snap["first_name"], renamed["first_name"]]}
    assert audit._jsonable(audit.diff(snap, renamed)) == {"first_name": ["[redacted]", "[redacted]"]}
