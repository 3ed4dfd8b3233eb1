"""The event form: dates and times in the event's time zone (the author's by default), or all-day dates, a
recurrence builder that writes the RRULE (or the RRULE typed by hand), and the people.

``clean()`` gives ``cleaned_data["starts_at"]``, ``["ends_at"]`` (aware), ``["recurrence"]`` (normalised);
``service_fields()`` is what :func:`planning.services.events.event_create` / ``event_update`` take.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from core.widgets import FastSelect
from crm.form_fields import (
    ChipsSelectMultiple,
    DateInput,
    PickerSelect,
    PickerSelectMultiple,
    TeamMemberField,
)
from crm.models import Artist
from planning.models import Event
from planning.permissions import READ_ROLES
from planning.recurrence import normalize_rrule
from planning.recurrence_words import build_rule, builder_initial, weekday_names


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


@lru_cache(maxsize=1)
def _zones() -> list[tuple[str, str]]:
    names = sorted(
        z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))
    )
    return [(name, name.replace("_", " ")) for name in [*names, "UTC"]]


def planning_people():
    return (
        User.objects.filter(is_active=True, groups__name__in=READ_ROLES)
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


REPEAT_CHOICES = [
    ("none", _("Does not repeat")),
    ("daily", _("Daily")),
    ("weekly", _("Weekly")),
    ("monthly", _("Monthly")),
    ("yearly", _("Yearly")),
    ("custom", _("Advanced: RRULE text")),
]
ENDS_CHOICES = [("never", _("Never")), ("count", _("After a number of times")), ("until", _("On a date"))]
MONTHLY_CHOICES = [
    ("day", _("On the same day of the month")),
    ("weekday", _("On the same weekday (e.g. 2nd Tuesday)")),
]


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=Event.Kind.choices, initial=Event.Kind.MEETING)
    status = forms.ChoiceField(
        label=_("Status"), choices=Event.Status.choices, initial=Event.Status.CONFIRMED
    )
    all_day = forms.BooleanField(label=_("All day"), required=False)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start time"), required=False, widget=TimeInput())
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput())
    end_time = forms.TimeField(label=_("End time"), required=False, widget=TimeInput())
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_zones, widget=FastSelect)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    location = forms.CharField(label=_("Address"), max_length=300, required=False)
    artists = forms.ModelMultipleChoiceField(
        label=_("Artists"),
        required=False,
        queryset=Artist.objects.all(),
        widget=PickerSelectMultiple("artist"),
    )
    members = TeamMemberField(
        label=_("Team members"), required=False, queryset=User.objects.none(), widget=ChipsSelectMultiple
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown: **bold**, _italic_, lists, links."),
    )
    repeat = forms.ChoiceField(label=_("Repeats"), choices=REPEAT_CHOICES, initial="none")
    interval = forms.IntegerField(label=_("Every"), min_value=1, max_value=99, initial=1, required=False)
    weekdays = forms.MultipleChoiceField(
        label=pgettext_lazy("repeat on weekdays", "On"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )
    monthly_by = forms.ChoiceField(label=_("Monthly"), choices=MONTHLY_CHOICES, initial="day", required=False)
    ends = forms.ChoiceField(label=_("Ends"), choices=ENDS_CHOICES, initial="never", required=False)
    count = forms.IntegerField(label=_("Times"), min_value=1, max_value=1000, required=False)
    until = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    rrule = forms.CharField(
        label=_("RRULE"),
        max_length=300,
        required=False,
        help_text=_("RFC 5545, e.g. FREQ=WEEKLY;BYDAY=MO,TH;COUNT=10"),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any = None, event: Event | None = None, **kwargs: Any) -> None:
        self.user, self.event = user, event
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = planning_people()
        self.fields["weekdays"].choices = [(day, name[:3]) for day, name in weekday_names().items()]
        self.fields["time_zone"].initial = (
            getattr(user, "time_zone", "") or timezone.get_default_timezone_name()
        )
        if event is not None and not self.is_bound:
            self.initial.update(initial_from_event(event))

    # --- building the instants ---------------------------------------------------------------------------

    def _zone(self, name: str) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def clean(self) -> dict:
        data = super().clean()
        start_date, zone_name = data.get("start_date"), data.get("time_zone")
        if not start_date or not zone_name:
            return data
        zone = self._zone(zone_name)
        all_day = data.get("all_day")
        end_date = data.get("end_date") or start_date
        if all_day:
            starts_at = datetime.combine(start_date, time(0), zone)
            ends_at = datetime.combine(end_date + timedelta(days=1), time(0), zone)
            if end_date < start_date:
                self.add_error("end_date", _("The end is before the start."))
                return data
        else:
            if data.get("start_time") is None:
                self.add_error("start_time", _("Give a start time, or tick “All day”."))
                return data
            starts_at = datetime.combine(start_date, data["start_time"], zone)
            if data.get("end_time") is None:
                ends_at = starts_at + timedelta(hours=1)
            else:
                ends_at = datetime.combine(end_date, data["end_time"], zone)
            if ends_at < starts_at:
                self.add_error("end_time", _("The end is before the start."))
                return data
        data["starts_at"], data["ends_at"] = starts_at, ends_at
        data["recurrence"] = self._rule(data, start_date, starts_at, zone_name)
        return data

    def _rule(self, data: dict, start_date: date, starts_at: datetime, zone_name: str) -> str:
        repeat = data.get("repeat") or "none"
        if repeat == "none":
            return ""
        if repeat == "custom":
            text, field = data.get("rrule") or "", "rrule"
            if not text.strip():
                self.add_error("rrule", _("Type the rule, or choose how it repeats."))
                return ""
        else:
            ends = data.get("ends") or "never"
            if ends == "count" and not data.get("count"):
                self.add_error("count", _("Say how many times."))
                return ""
            if ends == "until" and not data.get("until"):
                self.add_error("until", _("Give the last date."))
                return ""
            text, field = (
                build_rule(
                    freq=repeat,
                    interval=data.get("interval") or 1,
                    weekdays=data.get("weekdays"),
                    monthly_by=data.get("monthly_by") or "day",
                    start=start_date,
                    ends=ends,
                    count=data.get("count"),
                    until=data.get("until"),
                ),
                "repeat",
            )
        try:
            return normalize_rrule(text, start=starts_at, tz_name=zone_name)
        except ValidationError as exc:
            self.add_error(field, exc.messages)
            return ""

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"].strip(),
            "kind": data["kind"],
            "status": data["status"],
            "all_day": bool(data.get("all_day")),
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "time_zone": data["time_zone"],
            "venue": data.get("venue", ""),
            "location": data.get("location", ""),
            "notes": data.get("notes", ""),
            "recurrence": data.get("recurrence", ""),
            "artists": list(data.get("artists") or []),
            "members": list(data.get("members") or []),
        }


def initial_from_event(event: Event) -> dict:
    zone = zoneinfo.ZoneInfo(event.time_zone) if event.time_zone else timezone.get_current_timezone()
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    if event.all_day:
        end = end - timedelta(days=1)
    initial = {
        "title": event.title,
        "kind": event.kind,
        "status": event.status,
        "all_day": event.all_day,
        "start_date": start.date(),
        "start_time": None if event.all_day else start.time(),
        "end_date": max(end.date(), start.date()),
        "end_time": None if event.all_day else end.time(),
        "time_zone": event.time_zone,
        "venue": event.venue,
        "location": event.location,
        "notes": event.notes,
        "artists": [a.pk for a in event.artists.all()],
        "members": [m.pk for m in event.members.all()],
    }
    initial.update(builder_initial(event.recurrence, tz_name=event.time_zone))
    return initial


def initial_from_range(params: Any, *, user: Any) -> dict:
    """The form's start/end from the calendar's range selection (``?start=&end=&all_day=``): ISO datetimes
    (shown in the author's time zone) or dates (all-day; the end exclusive, as FullCalendar sends it)."""
    initial: dict = {}
    zone_name = getattr(user, "time_zone", "") or timezone.get_default_timezone_name()
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    all_day = str(params.get("all_day", "")).lower() in ("1", "true", "on", "yes")
    for key in ("start", "end"):
        raw = (params.get(key) or "").strip().replace(" ", "+")
        moment = parse_datetime(raw) if "T" in raw else None
        day = parse_date(raw[:10]) if raw and moment is None else None
        if moment is not None:
            if timezone.is_naive(moment):
                moment = moment.replace(tzinfo=zone)
            moment = moment.astimezone(zone)
            if all_day and key == "end" and moment.time() == time(0):
                moment -= timedelta(days=1)
            initial[f"{key}_date"] = moment.date()
            if not all_day:
                initial[f"{key}_time"] = moment.time().replace(second=0, microsecond=0)
        elif day is not None:
            all_day = True
            initial[f"{key}_date"] = day - timedelta(days=1) if key == "end" else day
    if all_day and initial:
        initial["all_day"] = True
        if (
            initial.get("end_date")
            and initial.get("start_date")
            and initial["end_date"] < initial["start_date"]
        ):
            initial["end_date"] = initial["start_date"]
    return initial


class EventFilterForm(forms.Form):
    when = forms.ChoiceField(
        label=_("When"), choices=[("upcoming", _("Upcoming")), ("past", _("Past"))], required=False
    )
    kind = forms.ChoiceField(
        label=_("Type"), choices=[("", _("All types")), *Event.Kind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *Event.Status.choices], required=False
    )
    artist = forms.ModelChoiceField(
        label=_("Artist"),
        required=False,
        queryset=Artist.objects.all(),
        widget=PickerSelect("artist"),
    )
