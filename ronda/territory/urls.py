from django.urls import path

from ronda.territory import views

app_name = "territory"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("unidades/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("unidades/<int:pk>/editar/", views.unit_edit, name="unit_edit"),
    path("unidades/<int:pk>/identidad/", views.identity_edit, name="identity_edit"),
    path("escudo/<str:code>/", views.coat_of_arms, name="coat_of_arms"),
    path("identidad/<str:code>.css", views.identity_css, name="identity_css"),
    path("unidades/<int:parent_pk>/nueva/", views.unit_create, name="unit_create"),
    path("importar/", views.unit_import, name="import"),
    path("importar/plantilla.csv", views.import_template, name="import_template"),
    path("areas/", views.area_list, name="area_list"),
    path("areas/<int:pk>/editar/", views.area_edit, name="area_edit"),
    path("unidades/<int:unit_pk>/areas/nueva/", views.area_create, name="area_create"),
    path("instituciones/", views.institution_list, name="institution_list"),
    path("instituciones/nueva/", views.institution_create, name="institution_create"),
    path("instituciones/<int:pk>/", views.institution_detail, name="institution_detail"),
    path("instituciones/<int:pk>/editar/", views.institution_edit, name="institution_edit"),
]
