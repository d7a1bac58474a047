from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "ronda.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from ronda.core import audit_actions, audit_readers
        from ronda.notifications import policies
        from ronda.notifications.models import NotificationsAction

        audit_actions.register(NotificationsAction)
        for label, visible in policies.audit_readers().items():
            audit_readers.register(label, visible)
