"""A new domain's demo data: ``load_demo`` here, found by the portal in ``INSTALLED_APPS`` order."""

from __future__ import annotations

CALLS: list[str] = []


def load_demo() -> list[str]:
    CALLS.append("fake_domain")
    return ["fake.login"]
