"""The portal's pages. ``ronda/urls.py`` mounts them in the site's ``core`` namespace, so that the
home page keeps its name ``core:home`` (used by every template, redirect and test)."""

from django.urls import path

from ronda.portal import views

urlpatterns = [
    path("", views.home, name="home"),
]
