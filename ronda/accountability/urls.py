from django.urls import path, re_path

from ronda.accountability import views

app_name = "accountability"

urlpatterns = [
    path("publico/", views.public_index, name="public_index"),
    path("publico/<str:code>/", views.public_plan, name="public_plan"),
    path("publico/<str:code>/ninos/", views.public_plan_children, name="public_children"),
    path("informes/", views.report_list, name="report_list"),
    path("informes/planes/<int:plan_id>/", views.report_plan, name="report_plan"),
    re_path(
        r"^informes/planes/(?P<plan_id>[0-9]+)/informe\.(?P<fmt>pdf|xlsx)$",
        views.report_download,
        name="report_download",
    ),
]
