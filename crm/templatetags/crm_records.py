"""Template helpers of the record pages: timeline entries, platforms, growth figures, form rows."""

from __future__ import annotations

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from crm.models import Artist, Campaign, Interaction, SocialProfile, Stage

register = template.Library()

KIND_ICONS = {
    Interaction.Kind.CALL: "telephone",
    Interaction.Kind.EMAIL: "envelope",
    Interaction.Kind.MEETING: "people",
    Interaction.Kind.NOTE: "sticky",
    Interaction.Kind.MESSAGE: "chat-dots",
    Interaction.Kind.SYSTEM: "lightning-charge",
}
PLATFORM_ICONS = {
    "spotify": "spotify",
    "instagram": "instagram",
    "tiktok": "tiktok",
    "youtube": "youtube",
    "x": "twitter-x",
    "facebook": "facebook",
    "soundcloud": "soundwave",
    "deezer": "music-note-beamed",
    "twitch": "twitch",
    "other": "link-45deg",
}
PROFILE_URLS = {
    "spotify": "https://open.spotify.com/artist/{}",
    "instagram": "https://www.instagram.com/{}/",
    "tiktok": "https://www.tiktok.com/@{}",
    "youtube": "https://www.youtube.com/@{}",
    "x": "https://x.com/{}",
    "facebook": "https://www.facebook.com/{}",
    "soundcloud": "https://soundcloud.com/{}",
    "twitch": "https://www.twitch.tv/{}",
}
STATUS_TONES = {
    Artist.Status.PROSPECT: "info",
    Artist.Status.IN_TALKS: "warning",
    Artist.Status.SIGNED: "success",
    Artist.Status.ALUMNI: "neutral",
    Campaign.Status.PLANNED: "info",
    Campaign.Status.ACTIVE: "success",
    Campaign.Status.DONE: "neutral",
    Campaign.Status.CANCELLED: "danger",
}
OUTCOME_TONES = {Stage.Outcome.OPEN: "primary", Stage.Outcome.WON: "success", Stage.Outcome.LOST: "danger"}


@register.filter
def describe(entry: Interaction) -> str:
    """The entry's text in the reader's language (system events are written from their data)."""
    from crm.timeline import describe as describe_entry

    return describe_entry(entry)


@register.filter
def kind_icon(kind: str) -> str:
    return KIND_ICONS.get(kind, "dot")


@register.filter
def platform_icon(platform: str) -> str:
    return PLATFORM_ICONS.get(platform, "link-45deg")


@register.filter
def platform_label(platform: str) -> str:
    return str(dict(SocialProfile.Platform.choices).get(platform, platform))


@register.filter
def social_link(social: SocialProfile) -> str:
    """The profile's URL as recorded, else the platform's usual address for the handle."""
    if social.url:
        return social.url
    pattern = PROFILE_URLS.get(social.platform)
    return pattern.format(social.handle) if pattern and social.handle else ""


@register.filter
def status_tone(status: str) -> str:
    return STATUS_TONES.get(status, "neutral")


@register.filter
def outcome_tone(outcome: str) -> str:
    return OUTCOME_TONES.get(outcome, "neutral")


@register.filter
def signed_percent(value: float | None) -> str:
    """``+12,5 %`` / ``−3.1%`` in the reader's language; "" when unknown."""
    if value is None:
        return ""
    number = formats.number_format(abs(value), 1, use_l10n=True)
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return _("%(sign)s%(number)s %%") % {"sign": sign, "number": number}


@register.filter
def signed_number(value: int | None) -> str:
    if value is None:
        return ""
    number = formats.number_format(abs(value), 0, use_l10n=True, force_grouping=True)
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{number}"


@register.filter
def grouped(value) -> str:
    """A whole number with the reader's thousands separator."""
    if value in (None, ""):
        return ""
    return formats.number_format(value, 0, use_l10n=True, force_grouping=True)


@register.filter
def compact_number(value) -> str:
    """``1,2 M`` / ``45,3 k`` (followers on cards)."""
    if value in (None, ""):
        return ""
    value = float(value)
    for limit, suffix in ((1e9, _("bn")), (1e6, _("M")), (1e3, _("k"))):
        if abs(value) >= limit:
            scaled = value / limit
            places = 0 if abs(scaled) >= 100 or scaled == int(scaled) else 1
            return f"{formats.number_format(scaled, places, use_l10n=True)}\u00a0{suffix}"
    return formats.number_format(value, 0, use_l10n=True)


@register.simple_tag
def entry_links(entry: Interaction, on: str = "") -> list[tuple[str, str, str, str]]:
    """(icon, label, url name, pk) of the records an entry belongs to, except the page's own (``on``)."""
    links = []
    for kind, icon, obj in (
        ("deal", "cash-stack", entry.deal),
        ("sponsor", "building", entry.sponsor),
        ("contact", "person", entry.contact),
        ("artist", "person-badge", entry.artist),
    ):
        if obj is not None and on != f"{kind}-{obj.pk}":
            label = obj.full_name if kind == "contact" else str(obj)
            links.append((icon, label, f"crm:{kind}-detail", obj.pk))
    return links
