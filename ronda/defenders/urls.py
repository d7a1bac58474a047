from django.urls import path

from ronda.defenders import views

app_name = "defenders"

urlpatterns = [
    path("", views.index, name="index"),
    path("nueva/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/editar/", views.edit, name="edit"),
    path("<int:pk>/pta/<int:year>/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/eventos/nuevo/", views.event_create, name="event_create"),
    path("<int:pk>/defensores/nuevo/", views.defender_create, name="defender_create"),
    path("defensores/<int:pk>/editar/", views.defender_edit, name="defender_edit"),
    path("defensores/<int:pk>/capacitaciones/nueva/", views.training_create, name="training_create"),
    path("actividades/<int:pk>/editar/", views.activity_edit, name="activity_edit"),
    path("eventos/<int:pk>/editar/", views.event_edit, name="event_edit"),
    path("canton/<int:pk>/", views.canton, name="canton"),
]
