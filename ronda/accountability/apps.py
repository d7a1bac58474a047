from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "ronda.accountability"
    label = "accountability"
    verbose_name = _("Reports and public accountability")
