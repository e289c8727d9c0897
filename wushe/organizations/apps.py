from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "wushe.organizations"
    verbose_name = _("社区社会组织")
