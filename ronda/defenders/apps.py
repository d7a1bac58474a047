from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DefendersConfig(AppConfig):
    name = "ronda.defenders"
    label = "defenders"
    verbose_name = _("Community defensorías")

    def ready(self) -> None:
        from ronda.core import audit_actions, audit_readers
        from ronda.defenders import policies
        from ronda.defenders.models import DefendersAction

        audit_actions.register(DefendersAction)
        for label, visible in policies.audit_readers().items():
            audit_readers.register(label, visible)
