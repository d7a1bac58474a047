from django.urls import path, re_path

from ronda.accountability import views, views_situation

app_name = "accountability"

urlpatterns = [
    path("publico/", views.public_index, name="public_index"),
    path("publico/<str:code>/", views.public_plan, name="public_plan"),
    path("publico/<str:code>/ninos/", views.public_plan_children, name="public_children"),
    path("publico/<str:code>/plan-aprobado/", views.public_plan_file, name="public_plan_file"),
    path("informes/", views.report_list, name="report_list"),
    path("informes/planes/<int:plan_id>/", views.report_plan, name="report_plan"),
    # Only the spreadsheet is made in the request; the PDF is asked for (report_request) and made by a job.
    re_path(
        r"^informes/planes/(?P<plan_id>[0-9]+)/informe\.(?P<fmt>xlsx)$",
        views.report_download,
        name="report_download",
    ),
    path("informes/planes/<int:plan_id>/pedir/", views.report_request, name="report_request"),
    path("informes/generados/<int:pk>/", views.report_status, name="report_status"),
    path("informes/generados/<int:pk>/informe.pdf", views.report_file, name="report_file"),
    # The situation report of a municipality's children, from the Tablero (issue #10 item 9).
    path("informes/situacion/", views_situation.situation_index, name="situation_index"),
    path("informes/situacion/<int:unit_id>/", views_situation.situation_page, name="situation"),
    path("informes/situacion/<int:unit_id>/pedir/", views_situation.situation_request, name="situation_request"),
    path("informes/situacion/generados/<int:pk>/", views_situation.situation_status, name="situation_status"),
    path("informes/situacion/generados/<int:pk>/informe.pdf", views_situation.situation_file, name="situation_file"),
]
