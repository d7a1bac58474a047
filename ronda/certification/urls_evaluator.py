"""The independent evaluator's pages (``views_evaluator``)."""

from __future__ import annotations

from django.urls import path

from ronda.certification import views_evaluator as views

urlpatterns = [
    path("evaluaciones/", views.assignments, name="assignments"),
    path("evaluaciones/conflictos/", views.conflict_create, name="conflict_create"),
    path("evaluaciones/<int:pk>/", views.assignment, name="assignment"),
    path("evaluaciones/<int:pk>/independencia/", views.accept, name="assignment_accept"),
    path("evaluaciones/<int:pk>/conflicto/", views.declare_conflict, name="assignment_conflict"),
    path("evaluaciones/<int:pk>/hallazgos/", views.findings, name="assignment_findings"),
    path("evaluaciones/<int:pk>/informe/", views.report, name="assignment_report"),
    path("evaluaciones/<int:pk>/documentos/<int:version_id>/", views.document, name="assignment_document"),
]
