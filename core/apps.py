from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from core import metrics
        from core.api import schema  # noqa: F401  (registers the OpenAPI extensions)

        metrics.connect_celery_signals()  # counts tasks in the worker processes
        metrics.register_collector()  # exposes them on /metrics in the web processes
