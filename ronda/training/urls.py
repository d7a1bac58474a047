from django.urls import path

from ronda.training import views

app_name = "training"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.training_list, name="list"),
    path("<int:pk>/nueva/", views.create, name="create"),
    path("sesiones/<int:pk>/editar/", views.edit, name="edit"),
    path("sesiones/<int:pk>/evidencia/", views.evidence, name="evidence"),
]
