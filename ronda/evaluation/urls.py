from django.urls import path

from ronda.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("planes/<int:plan_id>/", views.plan_evaluations, name="plan_evaluations"),
    path("planes/<int:plan_id>/nueva/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/editar/", views.edit, name="edit"),
    path("<int:pk>/valoraciones/", views.assess, name="assess"),
    path("<int:pk>/recomendaciones/nueva/", views.recommendation_create, name="recommendation_create"),
    path("<int:pk>/completar/", views.complete, name="complete"),
    path("<int:pk>/publicar/", views.publish, name="publish"),
    path("<int:pk>/siguiente-plan/", views.carry, name="carry"),
    path("<int:pk>/informe/", views.report_request, name="report_request"),
    path("informes/<int:pk>/", views.report_file, name="report_file"),
    path("publicas/<int:pk>/informe/", views.public_report, name="public_report"),
]
