from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "ronda.protection"
    label = "protection"
    verbose_name = _("Protection and alternative care")

    def ready(self) -> None:
        from ronda.core import audit_actions, audit_readers
        from ronda.protection import policies
        from ronda.protection.models import ProtectionAction

        audit_actions.register(ProtectionAction)
        for label, visible in policies.audit_readers().items():
            audit_readers.register(label, visible)
