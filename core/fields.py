"""``EncryptedTextField``: a secret stored encrypted (``core.crypto``, FIELD_ENCRYPTION_KEYS) in a text column.

    class ObsConnection(models.Model):
        password = EncryptedTextField(_("password"), blank=True)

    conn.password = "hunter2"          # a str or a Secret; reading it back always gives a Secret
    conn.password                      # Secret('••••••••')   — str()/repr()/templates show the mask
    conn.password.reveal()             # "hunter2"            — only where it is actually used

- The column holds ``enc1:<fernet token>``; an empty value is stored as "" (so ``blank`` works) and NULL as NULL.
- A value no configured key can decrypt raises :class:`EncryptedFieldError` naming the model and field — never the
  value. ``manage.py rotate_encryption_keys`` re-encrypts every such field with the newest key.
- Only ``isnull`` and ``exact`` with "" are possible lookups: the ciphertext differs each time, so a secret
  cannot be searched for.
- Serialisation (dumpdata) writes the ciphertext, and loaddata reads it back.

Forms: the form field is a ``CharField`` with ``PasswordInput(render_value=False)``: the page never shows the
secret back, and a blank submission keeps the stored value (``save_form_data`` ignores it). The form field is
never required (an edit form left blank keeps the secret): when a secret is mandatory, the form's ``clean()``
or the service checks it on creation (``if not instance.pk and not cleaned_data["password"]: ...``).
To let people remove a secret, give the form an explicit "clear" checkbox and have the service set ``""``::

    class ObsConnectionForm(forms.ModelForm):
        clear_password = forms.BooleanField(required=False, label=_("Remove the saved password"))
        class Meta:
            model = ObsConnection
            fields = ["host", "password"]
    # service: if clear_password: conn.password = ""
    # help text for the field: _("Leave blank to keep the saved password.")
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull
from django.db.models.query_utils import DeferredAttribute
from django.utils.translation import gettext_lazy as _

from core import crypto
from core.secrets import Secret


class EncryptedFieldError(Exception):
    """A stored secret could not be decrypted (unknown key or tampered value)."""


class SecretAttribute(DeferredAttribute):
    """Whatever is assigned (str or Secret), the instance holds a Secret (or None)."""

    def __set__(self, instance, value) -> None:
        if value is not None and not isinstance(value, Secret):
            value = Secret(value)
        instance.__dict__[self.field.attname] = value


class SecretFormField(forms.CharField):
    widget = forms.PasswordInput(render_value=False)

    def __init__(self, **kwargs) -> None:
        kwargs["required"] = False
        kwargs.setdefault("strip", False)
        kwargs.setdefault("widget", forms.PasswordInput(render_value=False))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return ""  # never send the secret (or its ciphertext) back to the browser

    def has_changed(self, initial, data) -> bool:
        return bool(data)


class EncryptedTextField(models.TextField):
    descriptor_class = SecretAttribute
    description = _("Encrypted text")

    # --- database → Python
    def from_db_value(self, value, expression, connection) -> Secret | None:
        if value is None:
            return None
        return Secret(self._decrypt(value))

    def to_python(self, value) -> Secret | None:
        if value is None or isinstance(value, Secret):
            return value
        value = str(value)
        if value.startswith(crypto.PREFIX):  # ciphertext from a fixture
            return Secret(self._decrypt(value))
        return Secret(value)

    # --- Python → database
    def get_prep_value(self, value) -> str | None:
        if value is None:
            return None
        if hasattr(value, "resolve_expression"):
            return value
        if isinstance(value, Secret):
            return crypto.encrypt(value.reveal()) if value else ""
        value = str(value)
        if not value:
            return ""
        if value.startswith(crypto.PREFIX):
            return value  # a raw str that is already ciphertext (queryset.update with a stored value)
        return crypto.encrypt(value)

    def value_to_string(self, obj) -> str | None:
        return self.get_prep_value(self.value_from_object(obj))

    # --- forms
    def formfield(self, **kwargs):
        kwargs.pop("widget", None)  # always a password input, even where the admin asks for a textarea
        kwargs.pop("max_length", None)
        return models.Field.formfield(self, **{**kwargs, "form_class": SecretFormField})

    def save_form_data(self, instance, data) -> None:
        if data in (None, "") or (isinstance(data, Secret) and not data):
            return  # blank submission: keep the stored secret
        super().save_form_data(instance, data)

    # --- lookups
    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EncryptedExact
        if lookup_name == "isnull":
            return IsNull
        return None

    def _decrypt(self, value: str) -> str:
        if value == "":
            return ""
        try:
            return crypto.decrypt(value)
        except crypto.DecryptionError:
            raise EncryptedFieldError(
                f"Cannot decrypt {self.model._meta.label}.{self.name}: the value was encrypted with a key that "
                "is not in FIELD_ENCRYPTION_KEYS, or it was altered."
            ) from None


class EncryptedExact(Exact):
    """``field=""`` (or ``field=None``) only: a secret cannot be compared, its ciphertext changes every time."""

    def get_prep_lookup(self) -> Any:
        if hasattr(self.rhs, "resolve_expression"):
            raise FieldError("An encrypted field cannot be compared with an expression.")
        plaintext = self.rhs.reveal() if isinstance(self.rhs, Secret) else self.rhs
        if plaintext not in ("", None):
            raise FieldError("An encrypted field can only be compared with an empty value.")
        return super().get_prep_lookup()
