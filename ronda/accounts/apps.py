from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ronda.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from ronda.accounts import (  # noqa: F401  (checks registers the production checks; signals audit sign-in)
            checks,
            policies,
            signals,
        )
        from ronda.accounts.models import AccountsAction
        from ronda.core import audit_actions, audit_readers

        audit_actions.register(AccountsAction)

        for label, visible in policies.audit_readers().items():
            audit_readers.register(label, visible)
