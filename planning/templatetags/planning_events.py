"""Template helpers of the event pages: ``{% event_when event start end %}`` (the time in the reader's time
zone, all-day events as dates) and ``{{ event|kind_icon }}``."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

KIND_ICONS = {
    "concert": "music-note-beamed",
    "shoot": "camera-reels",
    "meeting": "people",
    "release": "vinyl",
    "live": "broadcast",
    "other": "calendar-event",
}


@register.filter
def kind_icon(event) -> str:
    return KIND_ICONS.get(getattr(event, "kind", ""), "calendar-event")


def _day(moment: datetime) -> str:
    return formats.date_format(moment, "l j F Y")


@register.simple_tag
def event_when(event, start: datetime | None = None, end: datetime | None = None, short: bool = False):
    """``event``'s (or one occurrence's) time, read in the current time zone; all-day events in their own."""
    start, end = start or event.starts_at, end or event.ends_at
    if event.all_day:
        import zoneinfo

        try:
            zone = zoneinfo.ZoneInfo(event.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = timezone.get_current_timezone()
        first, last = start.astimezone(zone), (end - timedelta(seconds=1)).astimezone(zone)
        fmt = "D j M Y" if short else "l j F Y"
        if first.date() >= last.date():
            text = formats.date_format(first, fmt)
        else:
            text = f"{formats.date_format(first, fmt)} – {formats.date_format(last, fmt)}"
        return format_html('<time datetime="{}">{}</time> · {}', first.date().isoformat(), text, _("all day"))
    first, last = timezone.localtime(start), timezone.localtime(end)
    fmt = "D j M Y, H:i" if short else "l j F Y, H:i"
    if first.date() == last.date():
        end_text = formats.time_format(last, "H:i")
    else:
        end_text = formats.date_format(last, fmt)
    return format_html(
        '<time datetime="{}">{}</time> – <time datetime="{}">{}</time>',
        first.isoformat(),
        formats.date_format(first, fmt),
        last.isoformat(),
        end_text,
    )
