"""Kinds and feeds are declared by the apps, by convention, and checked when read."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from ronda.core.roles import Role
from ronda.notifications import kinds


def test_the_protection_digest_is_found_in_its_apps_notifications_module() -> None:
    digest = kinds.get_kind("protection.weekly_digest")
    assert digest.digest is True and digest.default is True
    assert digest.concerns([Role.PROTECTION_OFFICER]) and not digest.concerns([Role.ANALYST])


def test_a_kind_without_its_keys_or_declared_twice_is_a_configuration_error() -> None:
    with pytest.raises(ImproperlyConfigured):
        kinds.register_kind({"key": "x.y", "label": "x"})  # type: ignore[typeddict-item]
    with pytest.raises(ImproperlyConfigured):
        kinds.register_kind(
            {"key": kinds.WEEKLY_DIGEST, "label": "x", "description": "x", "default": True, "roles": []}
        )
    with pytest.raises(ImproperlyConfigured):
        kinds.register_kind(
            {"key": "protection.weekly_digest", "label": "other", "description": "x", "default": False, "roles": []}
        )
    with pytest.raises(ImproperlyConfigured):
        kinds.get_kind("nobody.declared_this")
