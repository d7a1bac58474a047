from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "ronda.consultations"
    label = "consultations"
    verbose_name = _("Consultations and social actors")

    def ready(self) -> None:
        from ronda.consultations import policies
        from ronda.consultations.models import ConsultationsAction
        from ronda.core import audit_actions, audit_readers

        audit_actions.register(ConsultationsAction)
        for label, visible in policies.audit_readers().items():
            audit_readers.register(label, visible)
