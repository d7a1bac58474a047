from django.urls import path

from ronda.cases.views import children as views

app_name = "cases"

urlpatterns = [
    path("ninos/", views.child_list, name="child_list"),
    path("ninos/registrar/", views.child_register, name="child_register"),
    path("ninos/<int:pk>/", views.child_detail, name="child_detail"),
    path("ninos/<int:pk>/editar/", views.child_edit, name="child_edit"),
    path("ninos/<int:pk>/fusionar/", views.child_merge, name="child_merge"),
    path("ninos/<int:pk>/separar/", views.child_unmerge, name="child_unmerge"),
    path("ninos/<int:pk>/cuidadores/nuevo/", views.caregiver_add, name="caregiver_add"),
    path("ninos/cuidadores/<int:pk>/editar/", views.caregiver_edit, name="caregiver_edit"),
    path("ninos/cuidadores/<int:pk>/eliminar/", views.caregiver_delete, name="caregiver_delete"),
    path("ninos/posibles-duplicados/", views.review_list, name="review_list"),
    path("ninos/posibles-duplicados/<int:pk>/revisado/", views.review_close, name="review_close"),
]
