from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "ronda.council"
    label = "council"
    verbose_name = _("Children's council")

    def ready(self) -> None:
        from ronda.core import audit_actions, audit_readers
        from ronda.council import policies
        from ronda.council.models import CouncilAction

        audit_actions.register(CouncilAction)
        for label, visible in policies.audit_readers().items():
            audit_readers.register(label, visible)
