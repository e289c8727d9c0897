from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "wushe.portal"
    verbose_name = _("居民诉求")
