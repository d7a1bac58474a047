"""The Tablero's pages, one module per part; each publishes its ``urlpatterns`` (tablero/urls.py)."""
