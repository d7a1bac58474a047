from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "ronda.cases"
    label = "cases"
    verbose_name = _("Community cases")

    def ready(self) -> None:
        from ronda.cases import policies, policies_cases
        from ronda.cases.models import CaseAction, CasesAction
        from ronda.core import audit_actions, audit_readers

        audit_actions.register(CasesAction)
        audit_actions.register(CaseAction)
        for label, visible in {**policies.audit_readers(), **policies_cases.audit_readers()}.items():
            audit_readers.register(label, visible)
