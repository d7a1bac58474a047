from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from ronda.api import api
from ronda.core import urls as core_urls
from ronda.core import views as core_views
from ronda.core.errors_views import not_found
from ronda.portal import urls as portal_urls

# The site's own pages share the namespace `core`: the portal's home page (`core:home`, the name every
# template, redirect and test uses) and the kernel's health check and audit trail (`core:healthz`,
# `core:audit`). The kernel's URLconf knows nothing of the portal; they meet only here.
site = ([*portal_urls.urlpatterns, *core_urls.urlpatterns], "core")

urlpatterns = [
    path("", include(site)),
    path("cuentas/", include("ronda.accounts.urls")),
    path("territorio/", include("ronda.territory.urls")),
    path("mesa/", include("ronda.coordination.urls")),
    path("plan/", include("ronda.planning.urls")),
    path("consejo/", include("ronda.council.urls")),
    path("defensorias/", include("ronda.defenders.urls")),
    path("casos/", include("ronda.cases.urls")),
    path("proteccion/", include("ronda.protection.urls")),
    path("salvaguarda/", include("ronda.safeguarding.urls")),
    path("formacion/", include("ronda.training.urls")),
    path("consultas/", include("ronda.consultations.urls")),
    path("tablero/", include("ronda.tablero.urls")),
    path("notificaciones/", include("ronda.notifications.urls")),
    path("enlaces/", include("ronda.links.urls")),
    path("evaluacion/", include("ronda.evaluation.urls")),
    path("mejora/", include("ronda.improvement.urls")),
    path("certificacion/", include("ronda.certification.urls")),
    # The DHIS2-compatible Web API: DHIS2 clients are given /dhis2 as their base URL (issue #10).
    path("dhis2/", include("ronda.tablero.dhis2.urls")),
    path("", include("ronda.accountability.urls")),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("api/v1/", api.urls),
    # Anything else under /api/ answers JSON too, never an HTML page, whatever the method (the
    # API uses bearer tokens: no CSRF check, which would turn a PATCH to a wrong path into a 403).
    re_path(r"^api/", csrf_exempt(not_found)),
]

handler400 = "ronda.core.errors_views.bad_request"
handler403 = "ronda.core.errors_views.not_found"
handler404 = "ronda.core.errors_views.not_found"
handler500 = "ronda.core.errors_views.server_error"
