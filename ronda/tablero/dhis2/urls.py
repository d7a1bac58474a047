"""Routes of the DHIS2-compatible API (mounted at /dhis2/ in ronda/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
