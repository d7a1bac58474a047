"""The Tablero's JSON API: catalogue (/api/v1/tablero/…, issue #10 item 11)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["tablero"])
