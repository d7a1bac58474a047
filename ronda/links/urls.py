from django.urls import path

from ronda.links import views

app_name = "links"

urlpatterns = [
    # Before the generic pattern, which would read "reunion" as a kind of record.
    path("reunion/<int:pk>/", views.add_agenda, name="add_agenda"),
    path("<slug:kind>/<int:pk>/", views.add, name="add"),
    path("<int:pk>/quitar/", views.remove, name="remove"),
]
