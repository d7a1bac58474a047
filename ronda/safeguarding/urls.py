from django.urls import path

from ronda.safeguarding import views

app_name = "safeguarding"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.overview, name="overview"),
    path("<int:pk>/documentos/nuevo/", views.document_create, name="document_create"),
    path("<int:pk>/renovacion/", views.settings_edit, name="settings_edit"),
    path("<int:pk>/contactos/nuevo/", views.contact_create, name="contact_create"),
    path("<int:pk>/firmas/", views.signature_list, name="signature_list"),
    path("<int:pk>/firmas/nueva/", views.signature_create, name="signature_create"),
    path("<int:pk>/inquietudes/", views.concern_list, name="concern_list"),
    path("<int:pk>/inquietudes/nueva/", views.concern_create, name="concern_create"),
    path("documentos/<int:pk>/", views.document_file, name="document_file"),
    path("contactos/<int:pk>/retirar/", views.contact_end, name="contact_end"),
    path("firmas/<int:pk>/editar/", views.signature_edit, name="signature_edit"),
    path("inquietudes/<int:pk>/", views.concern_edit, name="concern_edit"),
]
