from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigitalConfig(AppConfig):
    name = "thuvien.digital"
    label = "digital"
    verbose_name = _("Tài nguyên số")
