from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.roles import ROLE_LABELS, ROLES

from . import kinds
from .models import NotificationPreference
from .services import ANNOUNCEMENT_MAX_LENGTH

FILTERS = [("all", _("All")), ("unread", _("Unread"))]


class NotificationFilterForm(forms.Form):
    filter = forms.ChoiceField(choices=FILTERS, required=False)

    def unread_only(self) -> bool:
        return self.is_valid() and self.cleaned_data.get("filter") == "unread"


class PreferencesForm(forms.Form):
    """One select per registered kind of notification (field name = kind key)."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds.all_kinds():
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label,
                choices=NotificationPreference.Channel.choices,
                initial=current.get(kind.key, kind.default_channel),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )


class AnnouncementForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=[(role, ROLE_LABELS[role]) for role in ROLES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone holding one of these roles."),
    )
    recipients = forms.ModelMultipleChoiceField(
        label=_("People"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
        help_text=_("And/or these people."),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=ANNOUNCEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
    )
    url = forms.CharField(
        label=_("Link (optional)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "/…"}),
        help_text=_("A page of this site (/…) or an http(s) address."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "email")
        )

    def clean(self):
        data = super().clean()
        if not data.get("roles") and not data.get("recipients"):
            raise forms.ValidationError(_("Choose at least one role or one person."))
        return data
