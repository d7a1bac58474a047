from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "ronda.territory"
    label = "territory"
    verbose_name = _("Territory")

    def ready(self) -> None:
        from ronda.core import audit_actions, audit_readers
        from ronda.territory import policies
        from ronda.territory.models import TerritoryAction

        audit_actions.register(TerritoryAction)
        for label, visible in policies.audit_readers().items():
            audit_readers.register(label, visible)
