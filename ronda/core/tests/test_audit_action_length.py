"""Every registered audit action fits the trail's column: SQLite does not enforce a varchar's length,
PostgreSQL refuses the whole write (an evaluation's action of 33 characters did, only there)."""

from __future__ import annotations

from ronda.core import audit_actions
from ronda.core.models import AuditEvent


def test_every_audit_action_fits_its_column() -> None:
    limit = AuditEvent._meta.get_field("action").max_length
    assert limit is not None
    too_long = [value for value, _label in audit_actions.choices() if len(value) > limit]
    assert too_long == []
