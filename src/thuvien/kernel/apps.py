from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "thuvien.kernel"
    label = "kernel"
    verbose_name = "Kernel"
