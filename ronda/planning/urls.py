from django.urls import path

from ronda.planning import views
from ronda.planning.views import coresponsibility as coresp
from ronda.planning.views import documents as document_views
from ronda.planning.views import structure

app_name = "planning"

urlpatterns = [
    path("", views.plan_home, name="home"),
    path("mis-medidas/", views.my_measures, name="my_measures"),
    # The plan
    path("planes/", views.plan_list, name="plan_list"),
    path("planes/nuevo/", views.plan_create, name="plan_create"),
    path("planes/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("planes/<int:pk>/editar/", views.plan_edit, name="plan_edit"),
    path("planes/<int:pk>/estado/", views.plan_status, name="plan_status"),
    path("planes/<int:pk>/lineas/nueva/", views.line_create, name="line_create"),
    path("planes/<int:pk>/medidas/nueva/", views.measure_create, name="measure_create"),
    path("lineas/<int:pk>/objetivos/nuevo/", views.objective_create, name="objective_create"),
    # Measures
    path("medidas/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("medidas/<int:pk>/editar/", views.measure_edit, name="measure_edit"),
    path("medidas/<int:pk>/avance/", views.progress_create, name="progress_create"),
    path("avances/<int:pk>/corregir/", views.progress_correct, name="progress_correct"),
    path("medidas/<int:pk>/indicadores/nuevo/", views.indicator_create, name="indicator_create"),
    path("medidas/<int:pk>/hitos/nuevo/", views.milestone_create, name="milestone_create"),
    path("indicadores/<int:pk>/valor/", views.indicator_value, name="indicator_value"),
    path("hitos/<int:pk>/cumplido/", views.milestone_done, name="milestone_done"),
    path("evidencias/<int:pk>/", views.evidence_download, name="evidence_download"),
    # Co-responsibility, the focal points' figures for validation, plan alerts (issue #13 items 6–8)
    path("compromisos/", coresp.my_commitments, name="my_commitments"),
    path("alertas/", coresp.home_alerts, name="home_alerts"),
    path("planes/<int:pk>/compromisos/", coresp.plan_commitments, name="plan_commitments"),
    path("planes/<int:pk>/alertas/", coresp.plan_alerts, name="plan_alerts"),
    path("planes/<int:pk>/validaciones/", coresp.plan_validations, name="plan_validations"),
    path("cifras/<int:pk>/revisar/", coresp.report_review, name="report_review"),
    path("medidas/<int:pk>/aporte/", coresp.contribution_create, name="contribution_create"),
    path("medidas/<int:pk>/ejecucion/", coresp.budget_report, name="budget_report"),
    path("hitos/<int:pk>/reportar/", coresp.milestone_report, name="milestone_report"),
    path("indicadores/<int:pk>/reportar/", coresp.indicator_report, name="indicator_report"),
    # Investment in children: the plan's budgets against the municipal budget of each year
    path("planes/<int:pk>/inversion/", views.investment, name="investment"),
    path("planes/<int:pk>/inversion/presupuesto/", views.municipal_budget_create, name="municipal_budget_create"),
    path("presupuestos-municipales/<int:pk>/editar/", views.municipal_budget_edit, name="municipal_budget_edit"),
    path(
        "presupuestos-municipales/<int:pk>/documento/",
        views.municipal_budget_document,
        name="municipal_budget_document",
    ),
    # Policy instruments of the municipality (ordinances, policies, decrees …)
    path("instrumentos/", views.instrument_list, name="instrument_list"),
    path("instrumentos/nuevo/", views.instrument_create, name="instrument_create"),
    path("instrumentos/<int:pk>/", views.instrument_detail, name="instrument_detail"),
    path("instrumentos/<int:pk>/editar/", views.instrument_edit, name="instrument_edit"),
    path(
        "instrumentos/<int:pk>/documentos/nuevo/", views.instrument_document_upload, name="instrument_document_upload"
    ),
    path("documentos-normativos/<int:pk>/", views.instrument_document_download, name="instrument_document_download"),
    # The approved plan's document, with its versions (issue #13 item 3)
    path("planes/<int:pk>/documento/nuevo/", document_views.plan_document_create, name="plan_document_create"),
    path(
        "documentos-del-plan/<int:pk>/version/",
        document_views.plan_document_version_create,
        name="plan_document_version_create",
    ),
    path("documentos-del-plan/<int:pk>/editar/", document_views.plan_document_edit, name="plan_document_edit"),
    path(
        "documentos-del-plan/versiones/<int:pk>/", document_views.plan_document_download, name="plan_document_download"
    ),
    # Diagnosis
    path("diagnosticos/", views.analysis_list, name="analysis_list"),
    path("diagnosticos/nuevo/", views.analysis_create, name="analysis_create"),
    path("diagnosticos/<int:pk>/", views.analysis_detail, name="analysis_detail"),
    path("diagnosticos/<int:pk>/editar/", views.analysis_edit, name="analysis_edit"),
    path("diagnosticos/<int:pk>/priorizacion/", views.prioritisation, name="prioritisation"),
    path("diagnosticos/<int:pk>/hallazgos/nuevo/", views.finding_create, name="finding_create"),
    path("diagnosticos/<int:pk>/talleres/nuevo/", views.workshop_create, name="workshop_create"),
    path("diagnosticos/<int:pk>/oportunidades/nueva/", views.opportunity_create, name="opportunity_create"),
    path("oportunidades/<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("oportunidades/<int:pk>/editar/", views.opportunity_edit, name="opportunity_edit"),
    # Correcting the structure: edit, move up or down, remove (planning/views/structure.py)
    *[
        path(f"{segment}/<int:pk>/{verb}/", getattr(structure, f"{kind}_{action}"), name=f"{kind}_{action}")
        for kind, segment in (
            ("line", "lineas"),
            ("objective", "objetivos"),
            ("indicator", "indicadores"),
            ("milestone", "hitos"),
            ("finding", "hallazgos"),
            ("workshop", "talleres"),
        )
        for action, verb in (("edit", "editar"), ("move", "mover"), ("remove", "quitar"))
    ],
]
