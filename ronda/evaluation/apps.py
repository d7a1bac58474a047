from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "ronda.evaluation"
    label = "evaluation"
    verbose_name = _("Plan evaluation")

    def ready(self) -> None:
        from ronda.core import audit_actions, audit_readers
        from ronda.evaluation import policies
        from ronda.evaluation.models import EvaluationAction

        audit_actions.register(EvaluationAction)
        for label, visible in policies.audit_readers().items():
            audit_readers.register(label, visible)
