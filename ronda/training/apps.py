from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "ronda.training"
    label = "training"
    verbose_name = _("Staff training")

    def ready(self) -> None:
        from ronda.core import audit_readers
        from ronda.training import policies

        for label, visible in policies.audit_readers().items():
            audit_readers.register(label, visible)
