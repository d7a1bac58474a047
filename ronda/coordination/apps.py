from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "ronda.coordination"
    label = "coordination"
    verbose_name = _("Coordination body")

    def ready(self) -> None:
        from ronda.coordination import policies
        from ronda.coordination.models import CoordinationAction
        from ronda.core import audit_actions, audit_readers, grants

        audit_actions.register(CoordinationAction)
        grants.register(grants.BODY_SEAT, policies.seat_paths)
        for label, visible in policies.audit_readers().items():
            audit_readers.register(label, visible)
        from ronda.coordination import policies_convocation, policies_documents

        # Invitations (#13 item 2): their events' values for who sees the meeting's invitees.
        audit_readers.register("coordination.meetinginvitation", policies_convocation.visible_invitations)
        audit_readers.register("coordination.remindersent", policies_convocation.visible_reminders)
        # The body's and the meetings' documents (#13 item 3).

        policies_documents.register()
