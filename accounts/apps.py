from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Team and access")

    def ready(self) -> None:
        from dashboard.search import register_search

        from . import search, signals  # noqa: F401

        register_search("people", label=_("People"), search=search.search_people)
