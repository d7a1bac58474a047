"""The Tablero's pages under /tablero/: each part's module lists its own routes."""

from ronda.tablero.views import catalogue, dashboards, entry, imports, public, push

app_name = "tablero"

urlpatterns = [
    *catalogue.urlpatterns,
    *entry.urlpatterns,
    *imports.urlpatterns,
    *push.urlpatterns,
    *dashboards.urlpatterns,
    *public.urlpatterns,
]
