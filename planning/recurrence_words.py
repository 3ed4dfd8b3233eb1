"""A recurrence rule said in words ("Every week on Monday and Thursday, 10 times"), and the rule taken apart
for the event form's builder (and put back together).

Only what the builder offers is described part by part; any other rule is described as "Custom: <rule>".
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime

from django.utils import formats
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
BUILDER_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL"}


def weekday_names() -> dict[str, str]:
    return {
        "MO": _("Monday"),
        "TU": _("Tuesday"),
        "WE": _("Wednesday"),
        "TH": _("Thursday"),
        "FR": _("Friday"),
        "SA": _("Saturday"),
        "SU": _("Sunday"),
    }


def parts_of(rule: str) -> dict[str, str]:
    parts = {}
    for chunk in (rule or "").split(";"):
        name, sep, value = chunk.partition("=")
        if sep:
            parts[name.strip().upper()] = value.strip().upper()
    return parts


def ordinal(n: int) -> str:
    return {
        1: _("first"),
        2: _("second"),
        3: _("third"),
        4: _("fourth"),
        -1: _("last"),
    }.get(n, str(n))


def nth_weekday(day: date) -> tuple[int, str]:
    """(n, "TU") for "the n-th Tuesday of the month" of ``day`` (-1 when it is the month's fifth: the last)."""
    n = (day.day - 1) // 7 + 1
    return (-1 if n == 5 else n), WEEKDAYS[day.weekday()]


def build_rule(
    *,
    freq: str,
    interval: int = 1,
    weekdays: list[str] | None = None,
    monthly_by: str = "day",
    start: date,
    ends: str = "never",
    count: int | None = None,
    until: date | None = None,
) -> str:
    """The RRULE of the form's builder (``freq``: "daily", "weekly", "monthly", "yearly")."""
    parts = [f"FREQ={freq.upper()}"]
    if interval and interval > 1:
        parts.append(f"INTERVAL={interval}")
    if freq == "weekly":
        days = [d for d in WEEKDAYS if d in (weekdays or [])] or [WEEKDAYS[start.weekday()]]
        parts.append("BYDAY=" + ",".join(days))
    elif freq == "monthly":
        if monthly_by == "weekday":
            n, day = nth_weekday(start)
            parts.append(f"BYDAY={n}{day}")
        else:
            parts.append(f"BYMONTHDAY={start.day}")
    if ends == "count" and count:
        parts.append(f"COUNT={count}")
    elif ends == "until" and until:
        parts.append(f"UNTIL={until.strftime('%Y%m%d')}")
    return ";".join(parts)


def builder_initial(rule: str, *, tz_name: str) -> dict:
    """The builder's fields for ``rule``; ``{"repeat": "custom", "rrule": rule}`` when it cannot show it."""
    if not rule:
        return {"repeat": "none"}
    parts = parts_of(rule)
    freq = parts.get("FREQ", "").lower()
    custom = {"repeat": "custom", "rrule": rule}
    if set(parts) - BUILDER_PARTS or freq not in ("daily", "weekly", "monthly", "yearly"):
        return custom
    initial: dict = {"repeat": freq, "interval": int(parts.get("INTERVAL", "1") or 1)}
    byday = [d for d in parts.get("BYDAY", "").split(",") if d]
    if freq == "weekly":
        if any(d not in WEEKDAYS for d in byday) or "BYMONTHDAY" in parts:
            return custom
        initial["weekdays"] = byday
    elif freq == "monthly":
        if byday and "BYMONTHDAY" in parts or len(byday) > 1:
            return custom
        initial["monthly_by"] = "weekday" if byday else "day"
    elif byday or "BYMONTHDAY" in parts:
        return custom
    if "COUNT" in parts:
        initial.update(ends="count", count=int(parts["COUNT"]))
    elif "UNTIL" in parts:
        until = _until(parts["UNTIL"], tz_name)
        if until is None:
            return custom
        initial.update(ends="until", until=until)
    else:
        initial["ends"] = "never"
    return initial


def _until(value: str, tz_name: str) -> date | None:
    for fmt in ("%Y%m%dT%H%M%SZ", "%Y%m%d"):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if fmt.endswith("Z"):
            try:
                zone = zoneinfo.ZoneInfo(tz_name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = UTC
            return parsed.replace(tzinfo=UTC).astimezone(zone).date()
        return parsed.date()
    return None


def describe(rule: str, *, start: datetime, tz_name: str) -> str:
    """``rule`` in words, e.g. "Every week on Monday, 10 times" ("" for no rule)."""
    if not rule:
        return ""
    initial = builder_initial(rule, tz_name=tz_name)
    if initial["repeat"] == "custom":
        return _("Custom: %(rule)s") % {"rule": rule}
    try:
        local_start = start.astimezone(zoneinfo.ZoneInfo(tz_name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        local_start = start
    n = initial["interval"]
    freq = initial["repeat"]
    if freq == "daily":
        text = ngettext("Every day", "Every %(n)d days", n) % {"n": n}
    elif freq == "weekly":
        text = ngettext("Every week", "Every %(n)d weeks", n) % {"n": n}
        names = weekday_names()
        days = initial.get("weekdays") or [WEEKDAYS[local_start.weekday()]]
        text = _("%(every)s on %(days)s") % {
            "every": text,
            "days": get_text_list([names[d] for d in days], _("and")),
        }
    elif freq == "monthly":
        text = ngettext("Every month", "Every %(n)d months", n) % {"n": n}
        if initial.get("monthly_by") == "weekday":
            byday = parts_of(rule)["BYDAY"]
            number, day = byday[:-2], byday[-2:]
            text = _("%(every)s on the %(nth)s %(day)s") % {
                "every": text,
                "nth": ordinal(int(number or 1)),
                "day": weekday_names().get(day, day),
            }
        else:
            day = parts_of(rule).get("BYMONTHDAY", str(local_start.day))
            text = _("%(every)s on day %(day)s") % {"every": text, "day": day}
    else:
        text = ngettext("Every year", "Every %(n)d years", n) % {"n": n}
        text = _("%(every)s on %(date)s") % {
            "every": text,
            "date": formats.date_format(local_start, "MONTH_DAY_FORMAT"),
        }
    if initial.get("ends") == "count":
        count = initial["count"]
        return ngettext("%(rule)s, once", "%(rule)s, %(count)d times", count) % {"rule": text, "count": count}
    if initial.get("ends") == "until":
        return _("%(rule)s, until %(date)s") % {
            "rule": text,
            "date": formats.date_format(initial["until"], "DATE_FORMAT"),
        }
    return text
