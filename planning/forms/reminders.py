"""The reminder settings form (lead times from a fixed list, the daily digest and its hour)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from planning.services.reminders import LEAD_CHOICES, lead_label


def _hour_choices() -> list[tuple[int, str]]:
    return [(hour, f"{hour:02d}:00") for hour in range(24)]


class ReminderSettingsForm(forms.Form):
    lead_minutes = forms.TypedMultipleChoiceField(
        label=_("Remind me before"),
        choices=(),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Before a task you are assigned is due, and before an event you take part in starts."),
    )
    digest = forms.BooleanField(
        label=_("Daily digest of my overdue tasks"),
        required=False,
        help_text=_("One message a day, only when something is overdue."),
    )
    digest_hour = forms.TypedChoiceField(label=_("Send the digest at"), choices=(), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # labels in the language of the request (built per form, not at import)
        self.fields["lead_minutes"].choices = [(m, lead_label(m)) for m in LEAD_CHOICES]
        self.fields["digest_hour"].choices = _hour_choices()
        self.fields["digest"].widget.attrs["class"] = "form-check-input"
        self.fields["digest_hour"].widget.attrs["class"] = "form-select w-auto"
