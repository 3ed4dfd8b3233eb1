"""Forms of the board pages: the board's filters, the board settings (general, a column, a member), quick-add."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.widgets import FastSelect

from ..models import Board, BoardMembership, Column, Label, Task

LANE_CHOICES = [("", _("None")), ("assignee", _("Assignee")), ("priority", _("Priority"))]
DUE_CHOICES = [
    ("", _("Any time")),
    ("overdue", _("Overdue")),
    ("today", _("Today")),
    ("week", _("This week")),
]


def _style(form: forms.Form, *, small: bool = True) -> None:
    size = "-sm" if small else ""
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(field.widget, forms.Select):
            field.widget.attrs.setdefault("class", f"form-select form-select{size}")
        else:
            field.widget.attrs.setdefault("class", f"form-control form-control{size}")


class TaskBoardFilterForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Assignee"), required=False, widget=FastSelect)
    tag = forms.ModelChoiceField(
        label=_("Tag"), queryset=Label.objects.order_by("name"), required=False, widget=FastSelect
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any priority")), *reversed(Task.Priority.choices)],
        widget=FastSelect,
    )
    due = forms.ChoiceField(label=_("Due"), required=False, choices=DUE_CHOICES, widget=FastSelect)
    lanes = forms.ChoiceField(label=_("Swimlanes"), required=False, choices=LANE_CHOICES, widget=FastSelect)

    def __init__(self, *args, user=None, board=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = (
            get_user_model()
            .objects.filter(pk__in=Task.assignees.through.objects.filter(task__board=board).values("user_id"))
            .only("pk", "email", "first_name", "last_name")
            .order_by("first_name", "last_name", "email")
        )
        choices = [("", _("Anyone")), ("me", _("Me")), ("unassigned", _("Unassigned"))]
        choices += [
            (str(u.pk), u.get_full_name() or u.email) for u in people if u.pk != getattr(user, "pk", None)
        ]
        self.fields["assignee"].choices = choices
        self.fields["tag"].empty_label = _("Any tag")
        _style(self)


class BoardForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = ["name", "description", "color", "visibility", "wip_policy"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "color": forms.TextInput(attrs={"type": "color"}),
            "visibility": FastSelect,
            "wip_policy": FastSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self, small=False)
        self.fields["color"].widget.attrs["class"] = "form-control form-control-color"


class ColumnForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    color = forms.CharField(
        label=_("Colour"), max_length=7, initial="#6c757d", widget=forms.TextInput(attrs={"type": "color"})
    )
    wip_limit = forms.IntegerField(
        label=_("WIP limit"), required=False, min_value=1, max_value=999, help_text=_("Empty: no limit.")
    )
    is_done = forms.BooleanField(label=_("Done column"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["color"].widget.attrs["class"] = "form-control form-control-sm form-control-color"
        self.fields["wip_limit"].widget.attrs["placeholder"] = "—"


class ColumnDeleteForm(forms.Form):
    move_to = forms.ModelChoiceField(
        label=_("Move its tasks to"), queryset=Column.objects.none(), required=False, widget=FastSelect
    )

    def __init__(self, *args, column=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["move_to"].queryset = Column.objects.filter(board_id=column.board_id).exclude(
            pk=column.pk
        )
        self.fields["move_to"].empty_label = _("Choose a column…")
        _style(self)


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Person"), queryset=get_user_model().objects.none(), widget=FastSelect
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=BoardMembership.Role.choices,
        initial=BoardMembership.Role.EDITOR,
        widget=FastSelect,
    )

    def __init__(self, *args, board=None, **kwargs):
        super().__init__(*args, **kwargs)
        members = BoardMembership.objects.filter(board=board).values("user_id")
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(pk__in=members)
            .order_by("first_name", "last_name", "email")
        )
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.email
        self.fields["user"].empty_label = _("Choose a person…")
        _style(self)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=BoardMembership.Role.choices, widget=FastSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class QuickAddForm(forms.Form):
    column = forms.IntegerField()
    title = forms.CharField(max_length=200)
