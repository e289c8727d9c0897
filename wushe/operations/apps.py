from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "wushe.operations"
    verbose_name = _("站点运营")
