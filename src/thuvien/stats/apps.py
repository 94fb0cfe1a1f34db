from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "thuvien.stats"
    label = "stats"
    verbose_name = _("Thống kê thư viện")

    def ready(self) -> None:
        from thuvien.stats.freshness import connect_signals

        connect_signals(self)
