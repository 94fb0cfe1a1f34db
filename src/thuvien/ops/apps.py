from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "thuvien.ops"
    label = "ops"
    verbose_name = _("Vận hành")
