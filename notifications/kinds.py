"""The kinds of notification. Apps register theirs (``register_kind("crm.deal_won", _("Deal won"))``) so each
user can choose, per kind, how to receive them (in the app, by e-mail, both, or not at all)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

CHANNELS = ("in_app", "email", "both", "none")


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    default_channel: str = "both"


_kinds: dict[str, Kind] = {}


def register_kind(key: str, label: str, default_channel: str = "both") -> None:
    if default_channel not in CHANNELS:
        raise ValueError(f"Unknown notification channel {default_channel!r}")
    _kinds[key] = Kind(key, label, default_channel)


def get_kind(key: str) -> Kind:
    """The registered kind; raises LookupError for a kind nobody registered (a programming error)."""
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(f"Unregistered notification kind {key!r}") from None


def all_kinds() -> list[Kind]:
    return list(_kinds.values())


register_kind("system", _("System messages"))
register_kind("announcement", _("Announcements"))
register_kind("mention", _("Mentions"))
