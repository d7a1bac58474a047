from django.urls import path

from ronda.certification import urls_cycle, urls_evaluator, urls_frameworks, urls_public, urls_review, views

app_name = "certification"

urlpatterns = [
    path("verificar/", views.verify, name="verify"),
    path("verificar/<str:code>/", views.verify, name="verify_code"),
    *urls_public.urlpatterns,  # the public list and map of recognised municipalities
    *urls_cycle.urlpatterns,  # the municipality's side of a cycle, and the cycle page every reader sees
    *urls_review.urlpatterns,  # the secretariat's workspace: queue, review, calls, evaluators, hearing
    *urls_frameworks.urlpatterns,  # frameworks and their editions, and the certificate PDF
    *urls_evaluator.urlpatterns,  # the independent evaluator's assignments, findings and report
]
