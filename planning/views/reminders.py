"""Planning pages: reminder settings (owned by helper REMINDERS). Everyone who reads planning chooses their own
lead times and daily digest; nothing here touches anybody else's settings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from planning.forms.reminders import ReminderSettingsForm
from planning.services.reminders import reminder_settings_get, reminder_settings_update

from .access import planning_read


@require_http_methods(["GET", "POST"])
@planning_read
def reminder_settings(request):
    current = reminder_settings_get(user=request.user)
    initial = {
        "lead_minutes": current.lead_minutes,
        "digest": current.digest,
        "digest_hour": current.digest_hour,
    }
    form = ReminderSettingsForm(request.POST or None, initial=initial)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            reminder_settings_update(user=request.user, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if not request.htmx:
                messages.success(request, _("Reminder settings saved."))
                return redirect("planning:reminder-settings")
            saved = True
    template = "planning/reminders/reminder_settings.html" + ("#reminder-form" if request.htmx else "")
    return render(request, template, {"form": form, "saved": saved})


urlpatterns = [
    path("reminders/", reminder_settings, name="reminder-settings"),
]
