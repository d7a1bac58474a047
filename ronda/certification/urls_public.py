"""The public list and map of recognised municipalities (issue #14 item 6): see ``views_public``."""

from __future__ import annotations

from django.urls import URLPattern, path

from ronda.certification import views_public

urlpatterns: list[URLPattern] = [
    path("reconocidos/", views_public.recognised, name="recognised"),
    path("reconocidos/mapa/", views_public.recognised_map, name="recognised_map"),
]
