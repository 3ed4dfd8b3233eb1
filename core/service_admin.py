"""What every model admin of the suite shares: saving through the services (used by crm.admin and
planning.admin)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.html import format_html

# --- saving through the services -------------------------------------------------------------------------------


def form_fields(form: forms.ModelForm, *, change: bool, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields a save sets: the changed ones on a change, all of them on an add (a cleared file is "")."""
    names = form.changed_data if change else list(form.cleaned_data)
    fields = {
        name: form.cleaned_data[name] for name in names if name in form.cleaned_data and name not in skip
    }
    return {
        name: "" if value is False and isinstance(form.fields[name], forms.FileField) else value
        for name, value in fields.items()
    }


def adopt(obj, saved) -> None:
    """Make the admin's object the saved one (its messages, history entry and inlines need the pk)."""
    obj.pk = saved.pk
    obj._state.adding = False
    obj._state.db = saved._state.db


class ServiceAdmin(admin.ModelAdmin):
    """A model admin whose saves and deletes call ``create_service`` / ``update_service`` / ``delete_service``
    (``service(by=…, **fields)``, ``service(<instance_kwarg>=obj, by=…, **fields)``). Many-to-many fields are
    passed to the service, so the form's own ``save_m2m`` is skipped; inlines are saved by ``save_formset``."""

    create_service: Callable[..., Any] | None = None
    update_service: Callable[..., Any] | None = None
    delete_service: Callable[..., Any] | None = None
    instance_kwarg = ""
    service_skip: tuple[str, ...] = ()

    def save_model(self, request, obj, form, change) -> None:
        fields = form_fields(form, change=change, skip=self.service_skip)
        if change:
            current = type(obj)._default_manager.get(pk=obj.pk)
            saved = self.update_service(**{self.instance_kwarg: current}, by=request.user, **fields)
        else:
            saved = self.create_service(by=request.user, **fields)
        adopt(obj, saved)

    def save_related(self, request, form, formsets, change) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj) -> None:
        self.delete_service(**{self.instance_kwarg: obj}, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


def inline_rows(formset) -> tuple[list, list]:
    """(forms to delete, forms to save) of an inline formset. Also fills what ``formset.save()`` would have
    (``new_objects``, ``changed_objects``, ``deleted_objects``) for the admin's change message."""
    deleted = [f for f in formset.deleted_forms if f.instance.pk]
    saved = [f for f in formset.forms if f not in formset.deleted_forms and f.has_changed() and f.is_valid()]
    formset.deleted_objects = [f.instance for f in deleted]
    formset.new_objects = [f.instance for f in saved if not f.instance.pk]
    formset.changed_objects = [(f.instance, f.changed_data) for f in saved if f.instance.pk]
    return deleted, saved


def inline_data(form, fk_name: str, *, change: bool) -> dict[str, Any]:
    return {
        name: value
        for name, value in form_fields(form, change=change).items()
        if name not in ("id", "DELETE", fk_name)
    }


def color_swatch(color: str):
    """A square of the colour (an SVG fill, allowed by the strict CSP where a style attribute is not)."""
    return format_html(
        '<svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" rx="2" fill="{0}"/></svg> {0}',
        color,
    )


SHORT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 60})}}
