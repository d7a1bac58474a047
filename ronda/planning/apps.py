from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "ronda.planning"
    label = "planning"
    verbose_name = _("Local plan")

    def ready(self) -> None:
        from ronda.core import audit_actions, audit_readers
        from ronda.planning import policies
        from ronda.planning.models import PlanningAction

        audit_actions.register(PlanningAction)
        for label, visible in policies.audit_readers().items():
            audit_readers.register(label, visible)
        from ronda.planning import policies_documents  # the approved plan's document (#13 item 3)

        policies_documents.register()
