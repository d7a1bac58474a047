from django.urls import path

from ronda.coordination import views
from ronda.coordination.views import convocation
from ronda.coordination.views import documents as document_views

app_name = "coordination"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("crear/", views.body_create, name="body_create"),
    path("editar/", views.body_edit, name="body_edit"),
    path("editar/escudo/", views.body_arms, name="body_arms"),
    path("miembros/", views.member_list, name="member_list"),
    path("miembros/nuevo/", views.member_create, name="member_create"),
    path("miembros/<int:pk>/editar/", views.member_edit, name="member_edit"),
    path("comisiones/nueva/", views.commission_create, name="commission_create"),
    path("comisiones/<int:pk>/editar/", views.commission_edit, name="commission_edit"),
    path("reuniones/", views.meeting_list, name="meeting_list"),
    path("reuniones/nueva/", views.meeting_create, name="meeting_create"),
    path("reuniones/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("reuniones/<int:pk>/editar/", views.meeting_edit, name="meeting_edit"),
    path("reuniones/<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("reuniones/<int:pk>/agenda/quitar/", views.agenda_remove, name="agenda_remove"),
    path("reuniones/<int:pk>/agenda/proponer/", views.agenda_propose, name="agenda_propose"),
    path("propuestas/<int:pk>/decidir/", views.agenda_proposal_decide, name="agenda_proposal_decide"),
    path("reuniones/<int:pk>/asistencia/", views.attendance_edit, name="attendance_edit"),
    path("reuniones/<int:pk>/acta/", views.minutes_edit, name="minutes_edit"),
    path("reuniones/<int:pk>/acta/aprobar/", views.minutes_approve, name="minutes_approve"),
    path("reuniones/<int:pk>/acta.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("reuniones/<int:meeting_pk>/acuerdos/nuevo/", views.agreement_create, name="agreement_create"),
    path("reuniones/<int:pk>/convocatoria/", convocation.invitations, name="invitations"),
    path("reuniones/<int:pk>/convocatoria/miembros/", convocation.invite_members, name="invite_members"),
    path("reuniones/<int:pk>/convocatoria/invitado/", convocation.invite_guest, name="invite_guest"),
    path(
        "reuniones/<int:pk>/convocatoria/<int:invitation_pk>/quitar/",
        convocation.invitation_remove,
        name="invitation_remove",
    ),
    path("reuniones/<int:pk>/convocatoria/enviar/", convocation.convocation_send, name="convocation_send"),
    path("reuniones/<int:pk>/respuesta/", convocation.rsvp, name="rsvp"),
    # Public: the guest's private link (the token is the credential, no session).
    path("convocatoria/<str:token>/", convocation.guest_rsvp, name="guest_rsvp"),
    path("recordatorios/", convocation.reminders, name="reminders"),
    path("calendario/", views.calendar_redirect, name="calendar_current"),
    path("calendario/<int:year>/", views.calendar, name="calendar"),
    path("acuerdos/", views.agreement_list, name="agreement_list"),
    path("acuerdos/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("acuerdos/<int:pk>/editar/", views.agreement_edit, name="agreement_edit"),
    path("acuerdos/<int:pk>/estado/", views.agreement_status, name="agreement_status"),
    path("acuerdos/<int:pk>/notas/", views.agreement_note, name="agreement_note"),
    # The body's documents and the meetings' annexes, with their versions (issue #13 item 3)
    path("documentos/nuevo/", document_views.body_document_create, name="body_document_create"),
    path("reuniones/<int:pk>/anexos/nuevo/", document_views.annex_create, name="annex_create"),
    path("documentos/<int:pk>/version/", document_views.document_version_create, name="document_version_create"),
    path("documentos/<int:pk>/editar/", document_views.document_edit, name="document_edit"),
    path("documentos/versiones/<int:pk>/", document_views.document_download, name="document_download"),
    path("cuestionario/", views.round_list, name="round_list"),
    path("cuestionario/abrir/", views.round_open, name="round_open"),
    path("cuestionario/<int:pk>/", views.round_detail, name="round_detail"),
    path("cuestionario/<int:pk>/responder/", views.round_answer, name="round_answer"),
    path("cuestionario/<int:pk>/cerrar/", views.round_close, name="round_close"),
]
