from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ronda.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from ronda.core import audit_actions, audit_readers, documents
        from ronda.core.models import AuditAction

        audit_actions.register(AuditAction)
        audit_actions.register(documents.DocumentAction)
        audit_readers.register("core.document", documents.visible_documents)
        audit_readers.register("core.documentversion", documents.visible_versions)
