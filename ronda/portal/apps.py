from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The top layer: home page, navigation and demo orchestration, above every domain."""

    name = "ronda.portal"
    label = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.apps import apps

        from ronda.portal import registry

        registry.install(registry.collect(config.name for config in apps.get_app_configs()))
