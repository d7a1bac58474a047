from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinksConfig(AppConfig):
    name = "ronda.links"
    label = "links"
    verbose_name = _("Links between the planning cycle's records")
