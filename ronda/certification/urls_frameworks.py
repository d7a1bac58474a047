"""Certification pages (issue #14): see the views module of the same name."""

from __future__ import annotations

from django.urls import URLPattern, path

from ronda.certification import views_frameworks as views

urlpatterns: list[URLPattern] = [
    path("marcos/", views.framework_list, name="frameworks"),
    path("marcos/<int:pk>/", views.framework_detail, name="framework"),
    path("marcos/<int:pk>/nueva-edicion/", views.framework_new_edition, name="framework_new_edition"),
    path("marcos/<int:pk>/publicar/", views.framework_publish, name="framework_publish"),
    path(
        "marcos/<int:pk>/requisitos/<int:requirement_id>/",
        views.requirement_edit,
        name="framework_requirement_edit",
    ),
    path("certificados/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
]
