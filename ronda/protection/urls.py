from django.urls import path

from ronda.protection.views import dashboard, files, resources, sectors

app_name = "protection"

urlpatterns = [
    # Protection files (views/files.py).
    path("expedientes/", files.file_list, name="file_list"),
    path("expedientes/nuevo/", files.file_new, name="file_new"),
    path("expedientes/desde-caso/", files.transferred_list, name="transferred_cases"),
    path("expedientes/desde-caso/<int:case_id>/", files.file_from_case, name="file_from_case"),
    path("expedientes/<int:pk>/", files.file_detail, name="file_detail"),
    path("expedientes/<int:pk>/accesos/", files.file_openings, name="file_openings"),
    path("expedientes/<int:pk>/diagnostico/", files.diagnosis_edit, name="diagnosis_edit"),
    path("expedientes/<int:pk>/derechos/", files.right_edit, name="right_edit"),
    path("expedientes/<int:pk>/plan/", files.plan_edit, name="plan_edit"),
    path("expedientes/<int:pk>/plan/acciones/nueva/", files.action_new, name="action_new"),
    path("expedientes/<int:pk>/plan/enviar/", files.plan_submit, name="plan_submit"),
    path("expedientes/<int:pk>/plan/aprobar/", files.plan_approve, name="plan_approve"),
    path("expedientes/<int:pk>/plan/devolver/", files.plan_return, name="plan_return"),
    path("expedientes/<int:pk>/plan/revision/", files.plan_review, name="plan_review"),
    path("expedientes/<int:pk>/medidas/nueva/", files.measure_new, name="measure_new"),
    path("expedientes/<int:pk>/ingreso/", files.gatekeeping_new, name="gatekeeping_new"),
    path("expedientes/<int:pk>/ingreso/emergencia/", files.gatekeeping_emergency, name="gatekeeping_emergency"),
    path("expedientes/<int:pk>/acogimiento/nuevo/", files.placement_new, name="placement_new"),
    path("expedientes/<int:pk>/traslado/", files.file_transfer, name="file_transfer"),
    path("expedientes/<int:pk>/cierre/", files.file_close, name="file_close"),
    path("expedientes/<int:pk>/reapertura/", files.file_reopen, name="file_reopen"),
    path("acciones-plan/<int:pk>/", files.action_edit, name="action_edit"),
    path("medidas/<int:pk>/revision/", files.measure_review, name="measure_review"),
    path("medidas/<int:pk>/ratificacion/", files.measure_ratify, name="measure_ratify"),
    path("medidas/<int:pk>/fin/", files.measure_end, name="measure_end"),
    path("ingresos/<int:pk>/completar/", files.gatekeeping_complete, name="gatekeeping_complete"),
    path("ingresos/<int:pk>/excepcion/", files.gatekeeping_approve, name="gatekeeping_approve"),
    path("acogimientos/<int:pk>/fin/", files.placement_end, name="placement_end"),
    path("acogimientos/<int:pk>/seguimiento/", files.follow_up_new, name="follow_up_new"),
    # Care resources (views/resources.py).
    path("centros/", resources.facility_list, name="facility_list"),
    path("centros/nuevo/", resources.facility_new, name="facility_new"),
    path("centros/<int:pk>/", resources.facility_detail, name="facility_detail"),
    path("centros/<int:pk>/editar/", resources.facility_edit, name="facility_edit"),
    path("centros/<int:pk>/personal/", resources.facility_staffing, name="facility_staffing"),
    path("centros/<int:pk>/supervision/nueva/", resources.supervision_new, name="supervision_new"),
    path("supervision/<int:pk>/", resources.supervision_detail, name="supervision_detail"),
    path("supervision/correctivas/<int:pk>/", resources.corrective_edit, name="corrective_edit"),
    path("familias/", resources.family_list, name="family_list"),
    path("familias/nueva/", resources.family_new, name="family_new"),
    path("familias/campanas/", resources.campaign_list, name="campaign_list"),
    path("familias/<int:pk>/", resources.family_detail, name="family_detail"),
    path("familias/<int:pk>/estado/", resources.family_move, name="family_move"),
    path("familias/<int:pk>/formacion/", resources.family_training, name="family_training"),
    path("familias/<int:pk>/apoyo/", resources.family_support, name="family_support"),
    path("adoptantes/", resources.adopter_list, name="adopter_list"),
    path("adoptantes/nuevo/", resources.adopter_new, name="adopter_new"),
    path("adoptantes/<int:pk>/", resources.adopter_detail, name="adopter_detail"),
    path("adoptantes/<int:pk>/estado/", resources.adopter_move, name="adopter_move"),
    # The sectors' focal points (views/sectors.py).
    path("acciones/", sectors.action_list, name="sector_actions"),
    path("acciones/<int:pk>/", sectors.action_update, name="sector_action"),
    # The figures of alternative care (views/dashboard.py).
    path("cifras/", dashboard.dashboard_page, name="dashboard"),
]
