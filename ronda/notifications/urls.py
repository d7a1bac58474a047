from django.urls import path

from ronda.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("calendarios/nuevo/", views.feed_create, name="feed_create"),
    path("calendarios/<int:pk>/revocar/", views.feed_revoke, name="feed_revoke"),
    # Public: the token is the credential (a calendar client sends no session).
    path("calendario/<str:token>.ics", views.feed, name="feed"),
    path("envios/", views.outbox, name="outbox"),
    path("envios/<int:pk>/reintentar/", views.outbox_retry, name="outbox_retry"),
]
