from django.urls import path

from ronda.consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.consultation_list, name="consultation_list"),
    path("<int:pk>/nueva/", views.consultation_create, name="consultation_create"),
    path("<int:pk>/actores/", views.actor_list, name="actor_list"),
    path("<int:pk>/actores/mapa/", views.actor_map, name="actor_map"),
    path("<int:pk>/actores/nuevo/", views.actor_create, name="actor_create"),
    path("consulta/<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("consulta/<int:pk>/editar/", views.consultation_edit, name="consultation_edit"),
    path("consulta/<int:pk>/eliminar/", views.consultation_delete, name="consultation_delete"),
    path("actor/<int:pk>/editar/", views.actor_edit, name="actor_edit"),
    path("actor/<int:pk>/eliminar/", views.actor_delete, name="actor_delete"),
]
