from django.urls import path

from ronda.cases.views import cases as case_views
from ronda.cases.views import children as views
from ronda.cases.views import supervision
from ronda.cases.views import work as work_views

app_name = "cases"

urlpatterns = [
    path("ninos/", views.child_list, name="child_list"),
    path("ninos/registrar/", views.child_register, name="child_register"),
    path("ninos/<int:pk>/", views.child_detail, name="child_detail"),
    path("ninos/<int:pk>/editar/", views.child_edit, name="child_edit"),
    path("ninos/<int:pk>/fusionar/", views.child_merge, name="child_merge"),
    path("ninos/<int:pk>/separar/", views.child_unmerge, name="child_unmerge"),
    path("ninos/<int:pk>/cuidadores/nuevo/", views.caregiver_add, name="caregiver_add"),
    path("ninos/cuidadores/<int:pk>/editar/", views.caregiver_edit, name="caregiver_edit"),
    path("ninos/cuidadores/<int:pk>/eliminar/", views.caregiver_delete, name="caregiver_delete"),
    path("ninos/posibles-duplicados/", views.review_list, name="review_list"),
    path("ninos/posibles-duplicados/<int:pk>/revisado/", views.review_close, name="review_close"),
    path("supervision/", supervision.overview, name="supervision"),
    path("cifras/", supervision.figures_page, name="figures"),
    path("exportar/", supervision.export, name="export"),
    path("exportar/<int:pk>/clave/", supervision.export_password, name="export_password"),
    path("exportar/<int:pk>/descargar/", supervision.export_download, name="export_download"),
    path("", case_views.case_list, name="case_list"),
    path("nuevo/", case_views.case_new, name="case_new"),
    path("reasignar/", case_views.case_reassign, name="case_reassign"),
    path("<int:pk>/", case_views.case_detail, name="case_detail"),
    path("<int:pk>/editar/", case_views.case_edit, name="case_edit"),
    path("<int:pk>/avanzar/", case_views.case_move, name="case_move"),
    path("<int:pk>/cierre/", case_views.case_closure, name="case_closure"),
    path("<int:pk>/reabrir/", case_views.case_reopen, name="case_reopen"),
    path("<int:pk>/asignar/", case_views.case_assign, name="case_assign"),
    path("<int:pk>/transferir/", case_views.case_transfer, name="case_transfer"),
    path("<int:pk>/accesos/", case_views.case_accesses, name="case_accesses"),
    # The work on a case (views/work.py).
    path("<int:case_pk>/notas/nueva/", work_views.note_add, name="work_note_add"),
    path("<int:case_pk>/visitas/nueva/", work_views.visit_plan, name="work_visit_plan"),
    path("visitas/<int:pk>/", work_views.visit_record, name="work_visit_record"),
    path("<int:case_pk>/tareas/nueva/", work_views.task_add, name="work_task_add"),
    path("tareas/<int:pk>/hecha/", work_views.task_toggle, name="work_task_toggle"),
    path("<int:case_pk>/alertas/nueva/", work_views.flag_raise, name="work_flag_raise"),
    path("alertas/<int:pk>/retirar/", work_views.flag_remove, name="work_flag_remove"),
    path("<int:case_pk>/adjuntos/nuevo/", work_views.attachment_add, name="work_attachment_add"),
    path("adjuntos/<int:pk>/", work_views.attachment_download, name="work_attachment"),
    path("adjuntos/<int:pk>/eliminar/", work_views.attachment_remove, name="work_attachment_remove"),
    path("<int:case_pk>/plan/", work_views.plan, name="work_plan"),
    path("<int:case_pk>/plan/decidir/", work_views.plan_decide, name="work_plan_decide"),
    path("plan/acciones/<int:pk>/", work_views.plan_action_edit, name="work_plan_action"),
    path("<int:case_pk>/mediaciones/nueva/", work_views.mediation_new, name="work_mediation_new"),
    path("mediaciones/<int:pk>/acuerdos/nuevo/", work_views.agreement_add, name="work_agreement_add"),
    path("acuerdos/<int:pk>/verificar/", work_views.agreement_check, name="work_agreement_check"),
    path("<int:case_pk>/derivaciones/nueva/", work_views.referral_new, name="work_referral_new"),
    path("derivaciones/<int:pk>/", work_views.referral_update, name="work_referral"),
]
