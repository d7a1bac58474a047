from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafeguardingConfig(AppConfig):
    name = "ronda.safeguarding"
    label = "safeguarding"
    verbose_name = _("Safeguarding")

    def ready(self) -> None:
        from ronda.core import audit_actions, audit_readers
        from ronda.safeguarding import policies
        from ronda.safeguarding.models import SafeguardingAction

        audit_actions.register(SafeguardingAction)
        for label, visible in policies.audit_readers().items():
            audit_readers.register(label, visible)
