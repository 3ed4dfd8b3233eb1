"""Forms of the task panel: the title, the description, the details (priority, tags, people, dates, estimate,
repeat rule built from a few choices or typed as an RRULE), a checklist item, a comment, a file, a link."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.widgets import FastSelect
from planning.models import Label, Task

WEEKDAYS = [
    ("MO", _("Mon")),
    ("TU", _("Tue")),
    ("WE", _("Wed")),
    ("TH", _("Thu")),
    ("FR", _("Fri")),
    ("SA", _("Sat")),
    ("SU", _("Sun")),
]
NTH = [("1", _("first")), ("2", _("second")), ("3", _("third")), ("4", _("fourth")), ("-1", _("last"))]


class TitleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)


class DescriptionForm(forms.Form):
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, _italic_, lists, [links](https://…)."),
    )


class TaskDetailsForm(forms.Form):
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Task.Priority.choices, coerce=int, widget=FastSelect
    )
    labels = forms.ModelMultipleChoiceField(
        label=_("Tags"), queryset=Label.objects.order_by("name"), required=False
    )
    new_labels = forms.CharField(
        label=_("New tags"),
        required=False,
        max_length=300,
        help_text=_("Separate them with commas."),
    )
    assignees = forms.ModelMultipleChoiceField(label=_("Assignees"), queryset=None, required=False)
    start_date = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label=_("Start time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    due_date = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    due_time = forms.TimeField(
        label=_("Due time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    estimate_hours = forms.DecimalField(
        label=_("Estimate (hours)"), required=False, min_value=0, max_value=9999, decimal_places=2
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible"), queryset=None, required=False, widget=FastSelect
    )
    accountable = forms.ModelChoiceField(
        label=_("Accountable"), queryset=None, required=False, widget=FastSelect
    )
    repeat = forms.ChoiceField(
        label=_("Repeats"),
        required=False,
        choices=[
            ("", _("Does not repeat")),
            ("daily", _("Daily")),
            ("weekly", _("Every week on…")),
            ("monthly", _("Every month on the…")),
            ("custom", _("Custom rule (RRULE)")),
        ],
        widget=FastSelect(attrs={"data-repeat": ""}),
    )
    interval = forms.IntegerField(label=_("Every"), required=False, min_value=1, max_value=99, initial=1)
    weekdays = forms.MultipleChoiceField(
        label=pgettext_lazy("repeat on weekdays", "On"),
        required=False,
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
    )
    nth = forms.ChoiceField(label=_("Which"), required=False, choices=NTH, widget=FastSelect)
    nth_day = forms.ChoiceField(label=_("Day"), required=False, choices=WEEKDAYS, widget=FastSelect)
    rrule = forms.CharField(label=_("Rule"), required=False, max_length=300)
    ends = forms.ChoiceField(
        label=_("Ends"),
        required=False,
        choices=[("", _("Never")), ("until", _("On a date")), ("count", _("After a number of times"))],
        widget=FastSelect,
    )
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(label=_("Times"), required=False, min_value=1, max_value=1000)

    def __init__(self, *args: Any, people: Any, task: Task | None = None, **kwargs: Any) -> None:
        if task is not None and not kwargs.get("data") and not (args and args[0]):
            kwargs["initial"] = {**initial_from_task(task), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        for name in ("assignees", "responsible", "accountable"):
            self.fields[name].queryset = people
            self.fields[name].label_from_instance = lambda user: user.get_full_name() or user.email
        self.fields["assignees"].widget.attrs["size"] = "5"
        self.fields["labels"].widget.attrs["size"] = "5"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        start_date, start_time = data.get("start_date"), data.get("start_time")
        due_date, due_time = data.get("due_date"), data.get("due_time")
        if start_time and not start_date:
            self.add_error("start_date", _("Give the start a date too."))
        if due_time and not due_date:
            self.add_error("due_date", _("Give the due time a date too."))
        all_day = bool(start_date or due_date) and not (start_time or due_time)
        data["all_day"] = all_day
        data["start_at"] = _aware(start_date, start_time, all_day=all_day, end=False)
        data["due_at"] = _aware(due_date, due_time, all_day=all_day, end=True)
        if data["start_at"] and data["due_at"] and data["start_at"] > data["due_at"]:
            self.add_error("start_date", _("The start must be on or before the due date."))
        data["recurrence"] = self._rule(data)
        if data["recurrence"] and not due_date:
            self.add_error("due_date", _("Give the task a due date to make it repeat."))
        return data

    def _rule(self, data: dict[str, Any]) -> str:
        repeat = data.get("repeat") or ""
        if not repeat:
            return ""
        if repeat == "custom":
            return (data.get("rrule") or "").strip()
        parts = {"daily": ["FREQ=DAILY"], "weekly": ["FREQ=WEEKLY"], "monthly": ["FREQ=MONTHLY"]}[repeat]
        interval = data.get("interval") or 1
        if interval > 1:
            parts.append(f"INTERVAL={interval}")
        if repeat == "weekly" and data.get("weekdays"):
            parts.append("BYDAY=" + ",".join(day for day, _label in WEEKDAYS if day in data["weekdays"]))
        if repeat == "monthly":
            if not data.get("nth_day"):
                self.add_error("nth_day", _("Choose a day of the week."))
                return ""
            parts.append(f"BYDAY={data.get('nth') or '1'}{data['nth_day']}")
        if data.get("ends") == "until":
            if not data.get("until"):
                self.add_error("until", _("Choose the last date."))
                return ""
            parts.append("UNTIL=" + data["until"].strftime("%Y%m%d"))
        elif data.get("ends") == "count":
            if not data.get("count"):
                self.add_error("count", _("Say how many times."))
                return ""
            parts.append(f"COUNT={data['count']}")
        return ";".join(parts)


def _aware(day: date | None, moment: time | None, *, all_day: bool, end: bool) -> datetime | None:
    if day is None:
        return None
    if all_day:  # a date: midnight in the site's time zone
        return datetime.combine(day, time(0, 0), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    if moment is None:
        moment = time(23, 59) if end else time(0, 0)
    return timezone.make_aware(datetime.combine(day, moment))


def initial_from_task(task: Task) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "priority": task.priority,
        "estimate_hours": task.estimate_hours,
        "responsible": task.responsible_id,
        "accountable": task.accountable_id,
    }
    if task.pk:
        initial["labels"] = [label.pk for label in task.labels.all()]
        initial["assignees"] = [user.pk for user in task.assignees.all()]
    site = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    for prefix, value in (("start", task.start_at), ("due", task.due_at)):
        if value is None:
            continue
        local = value.astimezone(site) if task.all_day else timezone.localtime(value)
        initial[f"{prefix}_date"] = local.date()
        if not task.all_day:
            initial[f"{prefix}_time"] = local.time().replace(second=0, microsecond=0)
    initial.update(rule_initial(task.recurrence))
    return initial


def rule_initial(rule: str) -> dict[str, Any]:
    """The builder's fields for ``rule`` (a rule the builder cannot express shows as a custom one)."""
    if not rule:
        return {"repeat": ""}
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    out: dict[str, Any] = {
        "repeat": "custom",
        "rrule": rule,
        "interval": int(parts.get("INTERVAL", "1") or 1),
    }
    known = {"FREQ", "INTERVAL", "BYDAY", "UNTIL", "COUNT"}
    if set(parts) - known:
        return out
    freq, byday = parts.get("FREQ"), parts.get("BYDAY", "")
    if freq == "DAILY" and not byday:
        out["repeat"] = "daily"
    elif freq == "WEEKLY" and all(day in dict(WEEKDAYS) for day in byday.split(",") if day):
        out.update(repeat="weekly", weekdays=[day for day in byday.split(",") if day])
    elif freq == "MONTHLY" and byday and "," not in byday and byday[-2:] in dict(WEEKDAYS):
        nth = byday[:-2] or "1"
        if nth in dict(NTH):
            out.update(repeat="monthly", nth=nth, nth_day=byday[-2:])
    if out["repeat"] != "custom":
        if "COUNT" in parts:
            out.update(ends="count", count=int(parts["COUNT"]))
        elif "UNTIL" in parts:
            try:
                until = datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%SZ").replace(
                    tzinfo=zoneinfo.ZoneInfo("UTC")
                )
                out.update(ends="until", until=timezone.localtime(until).date())
            except ValueError:
                out["repeat"] = "custom"
    return out


class ChecklistItemForm(forms.Form):
    text = forms.CharField(label=_("New item"), max_length=300)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Markdown; @Firstname or @e-mail mentions a person."),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


def split_label_names(text: str) -> list[str]:
    return list(dict.fromkeys(name.strip()[:50] for name in (text or "").split(",") if name.strip()))
