"""The Tablero's pages under /tablero/: each part's module lists its own routes."""

from ronda.tablero.views import catalogue, dashboards, entry, imports, public

app_name = "tablero"

urlpatterns = [
    *catalogue.urlpatterns,
    *entry.urlpatterns,
    *imports.urlpatterns,
    *dashboards.urlpatterns,
    *public.urlpatterns,
]
