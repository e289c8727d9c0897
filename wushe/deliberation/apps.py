from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "wushe.deliberation"
    verbose_name = _("居民议事")
