from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigitalConfig(AppConfig):
    name = "thuvien.digital"
    label = "digital"
    verbose_name = _("Tài nguyên số")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from thuvien.digital.models import DigitalObject

        post_save.connect(_forget_images, sender=DigitalObject, dispatch_uid="digital-tiles")
        post_delete.connect(_forget_images, sender=DigitalObject, dispatch_uid="digital-tiles-d")


def _forget_images(sender, instance, **kwargs) -> None:
    """An object edited (access, status) or deleted: its stored public images go."""
    from thuvien.digital.tilecache import purge

    if instance.ident:
        purge(instance.ident)
