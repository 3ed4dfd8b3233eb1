from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    actor = forms.ModelChoiceField(
        label=_("Who"),
        queryset=get_user_model()._default_manager.none(),
        required=False,
        empty_label=_("Anyone"),
    )
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=100,
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = get_user_model()._default_manager.order_by(
            "first_name", "last_name", "email"
        )
        self.fields["q"].widget.attrs.setdefault("placeholder", _("Name, target, IP…"))
        self.fields["action"].widget.attrs.setdefault("placeholder", "auth.")
        self.fields["action"].widget.attrs.setdefault("list", "audit-actions")
        self.fields["action"].widget.attrs.setdefault(
            "title", _("Beginning of the action name, e.g. “auth.” or “role.change”.")
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
