"""What the CRM adds to the shell: its sidebar module, global search providers, dashboard widgets and the
live groups of its boards. Each feature module registers its own piece from here."""

from django.utils.translation import gettext_lazy as _

from dashboard.registry import register_module

from .permissions import can_view_crm


def register() -> None:
    register_module(
        "crm",
        label=_("CRM"),
        icon="people",
        url_name="crm:home",
        order=10,
        visible=can_view_crm,
        description=_("artists, sponsors, deals"),
    )
