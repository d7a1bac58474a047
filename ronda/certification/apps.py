from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_shipped(sender: AppConfig, **kwargs: Any) -> None:
    """The shipped frameworks, after every ``migrate`` (and a test database's flush), once each."""
    from ronda.certification import services

    services.install_shipped()


class CertificationConfig(AppConfig):
    name = "ronda.certification"
    label = "certification"
    verbose_name = _("Certification")

    def ready(self) -> None:
        from ronda.certification import policies
        from ronda.certification.models import CertificationAction, Cycle
        from ronda.core import audit_actions, audit_readers, documents

        audit_actions.register(CertificationAction)
        for label, visible in policies.audit_readers().items():
            audit_readers.register(label, visible)
        documents.register_owner(Cycle, policies.cycles_as_owners)
        post_migrate.connect(_install_shipped, sender=self, dispatch_uid="certification_install_shipped")
