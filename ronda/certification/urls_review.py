"""Certification pages (issue #14): the secretariat's workspace — the queue, the review of a cycle,
the calls, the revocation of a certificate, the evaluators and the children's hearing
(``views_review``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from ronda.certification import views_review

urlpatterns: list[URLPattern] = [
    path("secretaria/", views_review.workspace, name="workspace"),
    path("ciclos/<int:pk>/revision/", views_review.review, name="review"),
    path("ciclos/<int:pk>/revision/tomar/", views_review.take_for_review, name="review_take"),
    path("ciclos/<int:pk>/revision/dictamenes/", views_review.record_verdicts, name="review_verdicts"),
    path("ciclos/<int:pk>/revision/solicitud/", views_review.request_information, name="review_request"),
    path("ciclos/<int:pk>/revision/decision/", views_review.decide, name="review_decide"),
    path("ciclos/<int:pk>/evaluadores/", views_review.assign_evaluator, name="assign_evaluator"),
    path("ciclos/<int:pk>/audiencia/", views_review.hearing_create, name="hearing_create"),
    path("audiencias/<int:pk>/ponderar/", views_review.hearing_weigh, name="hearing_weigh"),
    path("convocatorias/", views_review.calls, name="calls"),
    path("convocatorias/nueva/", views_review.call_create, name="call_create"),
    path("certificados/<int:pk>/revocar/", views_review.certificate_revoke, name="certificate_revoke"),
]
