from django.urls import path

from ronda.improvement import views

app_name = "improvement"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.overview, name="overview"),
    path("<int:pk>/lista/", views.checklist, name="checklist"),
    path("<int:pk>/lista/nuevo/", views.criterion_create, name="criterion_create"),
    path("<int:pk>/rondas/nueva/", views.round_create, name="round_create"),
    path("<int:pk>/comparacion/", views.comparison, name="comparison"),
    path("<int:pk>/equipo/", views.team, name="team"),
    path("<int:pk>/equipo/nuevo/", views.member_create, name="member_create"),
    path("<int:pk>/pilotos/nuevo/", views.pilot_create, name="pilot_create"),
    path("criterios/<int:pk>/revisar/", views.criterion_revise, name="criterion_revise"),
    path("rondas/<int:pk>/", views.round_detail, name="round_detail"),
    path("rondas/<int:pk>/puntajes/", views.round_scores, name="round_scores"),
    path("puntajes/<int:pk>/oportunidad/", views.gap_to_opportunity, name="gap_to_opportunity"),
    path("equipo/<int:pk>/editar/", views.member_edit, name="member_edit"),
    path("pilotos/<int:pk>/", views.pilot_detail, name="pilot_detail"),
    path("pilotos/<int:pk>/editar/", views.pilot_edit, name="pilot_edit"),
    path("pilotos/<int:pk>/mentores/nuevo/", views.mentor_create, name="mentor_create"),
    path("pilotos/<int:pk>/resultados/nuevo/", views.result_create, name="result_create"),
    path("pilotos/<int:pk>/proponer/", views.pilot_propose, name="pilot_propose"),
    path("etapas/<int:pk>/editar/", views.stage_edit, name="stage_edit"),
]
