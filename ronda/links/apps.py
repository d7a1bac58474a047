from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinksConfig(AppConfig):
    name = "ronda.links"
    label = "links"
    verbose_name = _("Links between the planning cycle's records")

    def ready(self) -> None:
        from ronda.core import audit_readers
        from ronda.links import policies

        for label, visible in policies.audit_readers().items():
            audit_readers.register(label, visible)
