"""Routes of the DHIS2-compatible API (mounted at /dhis2/ in ronda/urls.py).

DHIS2 clients are given ``http://host/dhis2`` as their base URL and append ``/api/...``. Every
route also answers under a two-digit API version (``/api/40/...``) and with a ``.json`` suffix,
never with a trailing slash.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponseBase
from django.urls import URLPattern, re_path

from ronda.tablero.dhis2 import analytics, datavaluesets, metadata, tasks, views
from ronda.tablero.dhis2.serializers import Catalogue

app_name = "dhis2"

UID = r"[A-Za-z][A-Za-z0-9]{10}"
RESOURCES = "|".join(Catalogue.RESOURCES)


def api(pattern: str, view: Callable[..., HttpResponseBase], name: str) -> URLPattern:
    return re_path(rf"^api/(?:\d{{2}}/)?{pattern}(?:\.json)?$", view, name=name)


urlpatterns: list[URLPattern] = [
    api(r"system/info", views.system_info, "system_info"),
    api(r"me", views.me, "me"),
    api(r"metadata", metadata.metadata, "metadata"),
    api(rf"(?P<resource>{RESOURCES})", views.metadata_list, "metadata_list"),
    api(rf"(?P<resource>{RESOURCES})/(?P<uid>{UID})", views.metadata_object, "metadata_object"),
    re_path(
        r"^api/(?:\d{2}/)?dataValueSets(?:\.(?P<suffix>json|adx|xml|csv))?$",
        datavaluesets.data_value_sets,
        name="data_value_sets",
    ),
    api(r"dataValues", datavaluesets.data_values, "data_values"),
    api(r"analytics", analytics.analytics, "analytics"),
    api(rf"system/tasks/{tasks.JOB_TYPE}/(?P<uid>{UID})", tasks.task_notifications, "task_notifications"),
    api(rf"system/taskSummaries/{tasks.JOB_TYPE}/(?P<uid>{UID})", tasks.task_summary, "task_summary"),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
