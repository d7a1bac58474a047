from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    name = "ronda.improvement"
    label = "improvement"
    verbose_name = _("Self-assessment and pilot projects")

    def ready(self) -> None:
        from ronda.core import audit_actions, audit_readers
        from ronda.improvement import policies
        from ronda.improvement.models import ImprovementAction

        audit_actions.register(ImprovementAction)
        for label, visible in policies.audit_readers().items():
            audit_readers.register(label, visible)
