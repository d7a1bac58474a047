from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TableroConfig(AppConfig):
    name = "ronda.tablero"
    label = "tablero"
    verbose_name = _("Social management dashboard")

    def ready(self) -> None:
        from ronda.core import audit_actions, audit_readers
        from ronda.tablero import policies
        from ronda.tablero.models import TableroAction

        audit_actions.register(TableroAction)
        for label, visible in policies.audit_readers().items():
            audit_readers.register(label, visible)
        from ronda.tablero import policies_push

        for label, visible in policies_push.audit_readers().items():
            audit_readers.register(label, visible)
