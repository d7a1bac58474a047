from django.urls import path

from ronda.core import views

app_name = "core"

urlpatterns = [
    path("salud", views.healthz, name="healthz"),
    path("auditoria/", views.audit_trail, name="audit"),
]
