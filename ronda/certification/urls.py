from django.urls import path

from ronda.certification import views

app_name = "certification"

urlpatterns = [
    path("verificar/", views.verify, name="verify"),
    path("verificar/<str:code>/", views.verify, name="verify_code"),
]
