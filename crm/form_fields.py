"""Fields and widgets of the CRM forms, usable by any CRM feature (lists, imports…).

- ``parse_amount`` / ``AmountField``: money typed the way the reader's language writes numbers ("12 500,50" in
  French, "12,500.50" in English), shown back grouped.
- ``PickerSelect`` / ``PickerSelectMultiple``: choosers of records that can number in the thousands (artists,
  sponsors, contacts, campaigns): only the chosen options are rendered, the browser searches the rest as you type
  (``crm:record-picker``, static/js/crm-records.js).
- ``ChipsSelectMultiple``: a multiple select shown as chips with a type-to-filter box.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import global_settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.models import User

from .models import Contact
from .permissions import READ_ROLES

# --- amounts in the reader's language --------------------------------------------------------------------------

_IGNORED = re.compile(r"[\s\u00a0\u202f\u2009'’]")
_CURRENCY = re.compile(
    r"^(?:€|\$|£|CHF|EUR|USD|GBP|CAD|CA\$)|(?:€|\$|£|CHF|EUR|USD|GBP|CAD|CA\$)$", re.IGNORECASE
)


def parse_amount(value: Any) -> Decimal:
    """``"12 500,50"`` (French), ``"12,500.50"`` (English), ``"12500.5"`` → ``Decimal("12500.50")``.

    Spaces (any kind), apostrophes and a currency sign are ignored. With both a comma and a dot, the last one
    is the decimal mark. With one kind only: the language's decimal mark is decimal; the other mark is a
    thousands separator when followed by exactly three digits (or repeated), else decimal. Raises ``ValueError``.
    """
    text = _IGNORED.sub("", str(value))
    text = _CURRENCY.sub("", text)
    if not text:
        raise ValueError("empty")
    if text.startswith("-"):
        raise ValueError("negative")
    if not re.fullmatch(r"[0-9.,]+", text) or not re.search(r"[0-9]", text):
        raise ValueError("not a number")
    decimal_mark = formats.get_format("DECIMAL_SEPARATOR")
    if "," in text and "." in text:
        last = max(text.rfind(","), text.rfind("."))
        mark, grouping = text[last], "." if text[last] == "," else ","
        whole, decimals = text[:last], text[last + 1 :]
        if mark in whole or grouping in decimals:
            raise ValueError("mixed marks")
        _check_groups(whole.split(grouping))
        text = whole.replace(grouping, "") + "." + decimals
    elif "," in text or "." in text:
        mark = "," if "," in text else "."
        parts = text.split(mark)
        if len(parts) > 2:
            _check_groups(parts)
            text = "".join(parts)
        elif mark != decimal_mark and len(parts[1]) == 3 and parts[0]:
            text = "".join(parts)
        else:
            text = parts[0] + "." + parts[1]
    if not re.fullmatch(r"[0-9]*(\.[0-9]+)?", text) or text in ("", "."):
        raise ValueError("not a number")
    try:
        return Decimal(text if not text.startswith(".") else "0" + text)
    except InvalidOperation:
        raise ValueError("not a number") from None


def _check_groups(parts: list[str]) -> None:
    """Thousands groups: a first group of 1-3 digits, then groups of exactly three."""
    if not parts[0] or len(parts[0]) > 3 or any(len(p) != 3 for p in parts[1:]):
        raise ValueError("bad grouping")


def amount_example() -> str:
    return formats.number_format(Decimal("12500.50"), 2, use_l10n=True, force_grouping=True)


lazy_amount_example = lazy(amount_example, str)


class AmountField(forms.DecimalField):
    """A money amount (≥ 0, two decimals) typed the way the reader's language writes numbers."""

    widget = forms.TextInput

    def __init__(self, *, example: bool = True, **kwargs: Any) -> None:
        """``example``: show "12 500,50" (in the reader's format) as the placeholder."""
        self.example = example
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_amount(value)
        except ValueError as error:
            if str(error) == "negative":
                raise ValidationError(_("The amount cannot be negative."), code="min_value") from None
            raise ValidationError(
                gettext("Enter an amount such as %(example)s.") % {"example": amount_example()},
                code="invalid",
            ) from None

    def widget_attrs(self, widget: forms.Widget) -> dict:
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs.pop("min", None)
        attrs.pop("max", None)
        if getattr(self, "example", True):
            attrs["placeholder"] = lazy_amount_example()  # formatted when the page renders, in its language
        return attrs

    def prepare_value(self, value: Any) -> Any:
        """``48 500`` / ``12 500,50`` in French, ``48,500`` / ``12,500.50`` in English (what ``parse_amount`` reads)."""
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            amount = Decimal(str(value))
            places = 0 if amount == amount.to_integral_value() else 2
            return formats.number_format(amount, places, use_l10n=True, force_grouping=True)
        return value


class PercentField(forms.DecimalField):
    """An engagement rate in % (0-100, two decimals), with either decimal mark."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", Decimal(100))
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        text = _IGNORED.sub("", str(value)).rstrip("%").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("Enter a percentage such as 4.5."), code="invalid") from None
        if not number.is_finite():
            raise ValidationError(_("Enter a percentage such as 4.5."), code="invalid")
        return number

    def widget_attrs(self, widget: forms.Widget) -> dict:
        attrs = super().widget_attrs(widget)
        for key in ("step", "min", "max"):
            attrs.pop(key, None)
        return attrs


# --- widgets ---------------------------------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class ChipsSelectMultiple(forms.SelectMultiple):
    """A multiple select that static/js/crm-records.js turns into chips with a type-to-filter box."""

    def __init__(self, attrs: dict | None = None, choices: Any = ()) -> None:
        super().__init__(attrs={"data-chips": "", "size": "6", **(attrs or {})}, choices=choices)


class ColorInput(forms.TextInput):
    input_type = "color"


class PhotoInput(forms.ClearableFileInput):
    template_name = "crm/components/record-photo-input.html"


class _PickerMixin:
    """Render only the chosen options of a model choice field; the browser searches the others (JSON)."""

    kind = ""

    def __init__(self, kind: str, attrs: dict | None = None) -> None:
        self.kind = kind
        super().__init__(attrs=attrs)  # type: ignore[call-arg]

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        attrs = {**(attrs or {}), "data-picker": reverse("crm:record-picker", args=[self.kind])}
        return super().get_context(name, value, attrs)  # type: ignore[misc]

    def optgroups(self, name: str, value: list, attrs: dict | None = None) -> list:
        chosen = [v for v in value if v not in ("", None)]
        queryset = getattr(self.choices, "queryset", None)
        options = []
        if chosen and queryset is not None:
            try:
                objects = list(queryset.filter(pk__in=chosen))
            except (ValueError, TypeError, ValidationError):
                objects = []
            for index, obj in enumerate(objects):
                options.append(
                    (
                        None,
                        [self.create_option(name, str(obj.pk), picker_label(obj), True, index, attrs=attrs)],
                        index,
                    )
                )
        if not self.allow_multiple_selected:
            empty = self.create_option(name, "", "", not options, len(options), attrs=attrs)
            options.insert(0, (None, [empty], 0))
        return options


class PickerSelect(_PickerMixin, forms.Select):
    pass


class PickerSelectMultiple(_PickerMixin, forms.SelectMultiple):
    pass


def picker_label(obj: Any) -> str:
    if isinstance(obj, Contact):
        return obj.full_name
    return str(obj)


# --- choices ---------------------------------------------------------------------------------------------------


def language_choices() -> list[tuple[str, str]]:
    """ISO 639-1 languages (no regional variants), with their names in the reader's language."""
    seen = {}
    for code, name in global_settings.LANGUAGES:
        if "-" not in code and len(code) <= 3:
            seen[code] = gettext(name)
    return sorted(seen.items(), key=lambda item: item[1].casefold())


def country_choices() -> list[tuple[str, str]]:
    return [(code, name) for code, name in countries]


def team_members():
    """Active people who work in the CRM (managers of artists, owners of deals, people at a meeting)."""
    return (
        User.objects.filter(is_active=True, groups__name__in=READ_ROLES)
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


class TeamMemberField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.email


class TeamMemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.email


def split_list(text: str) -> list[str]:
    """Aliases typed one per line or separated by commas or semicolons; blanks and repeats dropped."""
    items = [item.strip() for item in re.split(r"[\n,;]+", text or "")]
    return list(dict.fromkeys(item for item in items if item))
