from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "ronda.accountability"
    label = "accountability"
    verbose_name = _("Reports and public accountability")

    def ready(self) -> None:
        from ronda.accountability import policies, policies_situation
        from ronda.core import audit_readers

        for label, visible in {**policies.audit_readers(), **policies_situation.audit_readers()}.items():
            audit_readers.register(label, visible)
