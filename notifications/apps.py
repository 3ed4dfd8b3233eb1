from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from core.live.registry import USER_PREFIX, register_resync

        from . import kinds, realtime, shell  # noqa: F401  (kinds registers the built-in kinds on import)

        shell.register()
        register_resync(USER_PREFIX, realtime.resync)
