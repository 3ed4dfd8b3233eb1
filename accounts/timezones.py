"""The time zones offered on the profile page, and their validation."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import cache

from django.utils import timezone

COMMON_TIME_ZONES = [
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Toronto",
    "America/Montreal",
    "America/Mexico_City",
    "America/Bogota",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "America/Martinique",
    "America/Guadeloupe",
    "America/Cayenne",
    "Atlantic/Reykjavik",
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Luxembourg",
    "Europe/Zurich",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Istanbul",
    "Europe/Moscow",
    "Africa/Casablanca",
    "Africa/Algiers",
    "Africa/Tunis",
    "Africa/Dakar",
    "Africa/Abidjan",
    "Africa/Lagos",
    "Africa/Kinshasa",
    "Africa/Johannesburg",
    "Africa/Cairo",
    "Africa/Nairobi",
    "Indian/Reunion",
    "Indian/Mayotte",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Bangkok",
    "Asia/Singapore",
    "Asia/Hong_Kong",
    "Asia/Shanghai",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Sydney",
    "Pacific/Noumea",
    "Pacific/Tahiti",
    "Pacific/Auckland",
]


@cache
def _available() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_valid_time_zone(name: str) -> bool:
    if not name or name not in _available():
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _offset_label(name: str, now: datetime) -> str:
    offset = now.astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "+" if minutes >= 0 else "−"
    minutes = abs(minutes)
    return f"(UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}) {name.replace('_', ' ')}"


def time_zone_choices(*, include: str | None = None) -> list[tuple[str, str]]:
    """(value, label) pairs sorted by current UTC offset; `include` adds a valid zone that is not in the list."""
    names = list(COMMON_TIME_ZONES)
    if include and include not in names and is_valid_time_zone(include):
        names.append(include)
    now = timezone.now()

    def key(name: str) -> tuple[float, str]:
        offset = now.astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
        return (offset.total_seconds() if offset else 0.0, name)

    return [(name, _offset_label(name, now)) for name in sorted(names, key=key)]
