from django.urls import include, path

from ronda.api import api

urlpatterns = [
    path("", include("ronda.core.urls")),
    path("cuentas/", include("ronda.accounts.urls")),
    path("territorio/", include("ronda.territory.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]

handler403 = "ronda.core.errors_views.not_found"
handler404 = "ronda.core.errors_views.not_found"
handler500 = "ronda.core.errors_views.server_error"
