"""Certification pages (issue #14): the municipality's side of a cycle and the cycle page every
reader sees (``views_cycle``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from ronda.certification import views_cycle

urlpatterns: list[URLPattern] = [
    path("", views_cycle.home, name="home"),
    path("ciclos/nuevo/", views_cycle.cycle_start, name="cycle_start"),
    path("ciclos/<int:pk>/", views_cycle.cycle_detail, name="cycle"),
    path("ciclos/<int:pk>/compromiso/", views_cycle.commitment, name="cycle_commitment"),
    path("ciclos/<int:pk>/candidatura/", views_cycle.candidacy, name="cycle_candidacy"),
    path("ciclos/<int:pk>/documentos/<int:requirement_id>/", views_cycle.document_upload, name="cycle_document_upload"),
    path(
        "ciclos/<int:pk>/documentos/versiones/<int:version_id>/",
        views_cycle.document_file,
        name="cycle_document_file",
    ),
    path("ciclos/<int:pk>/enviar/", views_cycle.submit, name="cycle_submit"),
    path("ciclos/<int:pk>/solicitudes/<int:request_id>/responder/", views_cycle.answer, name="cycle_answer"),
    path("ciclos/<int:pk>/renovar/", views_cycle.renew, name="cycle_renew"),
]
