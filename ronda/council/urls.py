from django.urls import path

from ronda.council import views

app_name = "council"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("configurar/", views.council_create, name="council_create"),
    path("editar/", views.council_edit, name="council_edit"),
    path("miembros/", views.member_list, name="member_list"),
    path("miembros/nuevo/", views.member_create, name="member_create"),
    path("miembros/<int:pk>/editar/", views.member_edit, name="member_edit"),
    path("miembros/<int:pk>/eliminar/", views.member_delete, name="member_delete"),
    path("sesiones/", views.session_list, name="session_list"),
    path("sesiones/nueva/", views.session_create, name="session_create"),
    path("sesiones/<int:pk>/editar/", views.session_edit, name="session_edit"),
    path("solicitudes/", views.request_list, name="request_list"),
    path("solicitudes/nueva/", views.request_create, name="request_create"),
    path("solicitudes/<int:pk>/", views.request_detail, name="request_detail"),
    path("solicitudes/<int:pk>/editar/", views.request_edit, name="request_edit"),
    path("solicitudes/<int:pk>/estado/", views.request_transition, name="request_transition"),
    path("rendicion-de-cuentas/", views.accountability_list, name="accountability_list"),
    path("rendicion-de-cuentas/nueva/", views.accountability_create, name="accountability_create"),
    path("rendicion-de-cuentas/<int:pk>/editar/", views.accountability_edit, name="accountability_edit"),
]
