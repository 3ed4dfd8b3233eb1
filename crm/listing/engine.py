"""The list engine: columns, lists, and a list under a request's query string.

A :class:`ListSpec` says what a list is: its records, its FilterSet (crm.filters), its columns. A
:class:`Column` declares its label, how to read its value, how to sort by it, whether it is shown by default,
the related rows or annotations it needs (fetched only when the column is shown), how its cell is drawn
(crm.listing.cells) and what it exports (crm.listing.exports). :func:`list_state` reads a query string
(filters, ``sort``, ``cols``, ``per_page``, ``page``) into a :class:`ListState`; the selectors
(crm.selectors.lists) run it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache, cached_property
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, QuerySet
from django.db.models.expressions import BaseExpression
from django.http import QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django_filters import FilterSet

PER_PAGE_CHOICES = (25, 50, 100)


# --- columns and lists ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Column:
    key: str
    label: Promise | str
    value: Callable[[Any], Any]  # the cell's value (what the partial draws, and exports unless `export`)
    cell: str = "text"  # how the cell is drawn: a renderer of crm.listing.cells (text, number, money, tags…)
    sort: str | BaseExpression | None = None  # a field or an expression; None: not sortable
    desc_first: bool = False  # the first click on the header sorts descending (scores, amounts, dates)
    default: bool = True  # shown when the URL does not choose columns
    required: bool = False  # always shown (the record's name)
    select: tuple[str, ...] = ()  # select_related when shown
    prefetch: tuple[Any, ...] = ()  # prefetched for the shown page only
    annotate: dict[str, BaseExpression] = field(default_factory=dict)  # when shown or sorted by
    align: str = ""  # "end" for numbers
    export: Callable[[Any], Any] | None = None  # the exported value (default: derived from `value`)
    currency: Callable[[Any], str] | None = None  # money: the record's currency (exported as its own column)
    export_labels: tuple[Promise | str, ...] = ()  # several exported columns: `export` returns one value each

    @property
    def sortable(self) -> bool:
        return self.sort is not None

    def ordering(self, descending: bool, model: Any = None) -> BaseExpression:
        """Empty values last. A column of the row itself that cannot be NULL is sorted without ``NULLS LAST``
        (the same order), so an index on it can serve the sort (a backward scan is ``DESC NULLS FIRST``)."""
        expression = F(self.sort) if isinstance(self.sort, str) else self.sort
        nulls_last = True if model is None else _nullable(model, self.sort)
        if descending:
            return expression.desc(nulls_last=True) if nulls_last else expression.desc()
        return expression.asc(nulls_last=True) if nulls_last else expression.asc()

    def export_headers(self) -> list[str]:
        headers = [str(label) for label in self.export_labels] or [str(self.label)]
        return headers + ([str(_("Currency"))] if self.currency is not None else [])

    def export_values(self, obj: Any) -> list[Any]:
        value = self.export(obj) if self.export else self.value(obj)
        values = list(value) if self.export_labels else [value]
        return values + ([self.currency(obj)] if self.currency is not None else [])


def _nullable(model: Any, sort: Any) -> bool:
    """Whether ``sort`` may be NULL: True unless it is a concrete NOT NULL field of ``model`` itself."""
    if not isinstance(sort, str) or "__" in sort:
        return True
    try:
        field_ = model._meta.get_field(sort)
    except FieldDoesNotExist:  # an annotation's name
        return True
    return bool(getattr(field_, "null", True)) or not getattr(field_, "concrete", False)


@dataclass(frozen=True, eq=False)
class ListSpec:
    key: str  # SavedView.ListKey
    title: Promise | str
    noun_plural: Promise | str
    filterset: type[FilterSet]
    columns: tuple[Column, ...]
    default_sort: str
    visible: Callable[[Any], QuerySet]
    url_name: str
    detail_url_name: str
    select_related: tuple[str, ...] = ()
    assign_label: Promise | str | None = None  # bulk "assign" (manager/owner); None: no such action
    search_placeholder: Promise | str = ""
    create_url_name: str = ""
    empty_text: Promise | str = ""  # nothing matches the filters
    empty_title: Promise | str = ""  # no record at all yet
    empty_hint: Promise | str = ""
    create_label: Promise | str = ""
    count_text: Callable[[int], str] = str  # "1 artist", "12 artists"

    @cached_property
    def by_key(self) -> dict[str, Column]:
        return {column.key: column for column in self.columns}

    @property
    def export_url_name(self) -> str:
        return self.url_name.replace("-list", "-export")

    @property
    def bulk_url_name(self) -> str:
        return self.url_name.replace("-list", "-bulk")

    @property
    def view_create_url_name(self) -> str:
        return self.url_name.replace("-list", "-view-create")

    @property
    def filter_fields(self) -> list[str]:
        """The filters of the panel (the text search has its own box)."""
        return [name for name in self.filterset.base_filters if name != "q"]


# --- a list under a request's query string ------------------------------------------------------------


@dataclass
class ListState:
    spec: ListSpec
    params: QueryDict
    filterset: FilterSet
    columns: list[Column]
    sort_column: Column
    descending: bool
    per_page: int
    page_number: str | None
    columns_chosen: bool  # `cols` was in the URL

    @property
    def sort(self) -> str:
        return ("-" if self.descending else "") + self.sort_column.key

    @property
    def ordering(self) -> list[Any]:
        model = self.filterset.queryset.model
        return [self.sort_column.ordering(self.descending, model), "-pk" if self.descending else "pk"]

    @property
    def prefetch(self) -> list[Any]:
        return [lookup for column in self.columns for lookup in column.prefetch]

    @property
    def column_keys(self) -> list[str]:
        return [column.key for column in self.columns]

    def query(self, *, drop: Iterable[str] = ("page", "view"), **changes: Any) -> str:
        """The list's query string (filters, sort, columns…) without ``drop``, with ``changes``."""
        params = self.params.copy()
        for name in drop:
            params.pop(name, None)
        for name, value in changes.items():
            if value is None:
                params.pop(name, None)
            else:
                params[name] = value
        return params.urlencode()

    @property
    def query_string(self) -> str:
        return self.query()

    @property
    def filter_query(self) -> str:
        """Filters and sorting only (what a saved view stores besides its columns)."""
        return self.query(drop=("page", "view", "cols"))

    def header(self, column: Column) -> dict[str, Any]:
        """How a column's header sorts: ``aria-sort`` and the query of its next state."""
        active = column is self.sort_column
        if active:
            next_sort = column.key if self.descending else "-" + column.key
            aria = "descending" if self.descending else "ascending"
        else:
            next_sort = ("-" if column.desc_first else "") + column.key
            aria = "none"
        return {"column": column, "active": active, "aria_sort": aria, "query": self.query(sort=next_sort)}

    @property
    def headers(self) -> list[dict[str, Any]]:
        return [self.header(column) for column in self.columns]

    @property
    def column_menu(self) -> list[dict[str, Any]]:
        shown = set(self.column_keys)
        return [{"column": c, "checked": c.key in shown} for c in self.spec.columns]

    @cached_property
    def chips(self) -> list[dict[str, str]]:
        return filter_chips(self)

    @cached_property
    def filter_controls(self) -> list[dict[str, Any]]:
        return filter_controls(self)

    @property
    def filter_count(self) -> int:
        return len([chip for chip in self.chips if chip["name"] != "q"])


def filter_controls(state: ListState) -> list[dict[str, Any]]:
    """The filter panel's fields, ready to draw without a template per option (list-filter-field.html):
    ``{"name", "id", "label", "kind" (select | checks | input | lookup), "options": [(value, label, chosen)],
    "value", "type", "attrs", "errors", "html"}``."""
    from django import forms

    from crm.filters import LookupWidget

    form = state.filterset.form
    controls = []
    for bound in form:
        if bound.name == "q":
            continue
        widget = bound.field.widget
        raw = [value for value in state.params.getlist(bound.name) if value != ""]
        control = {"name": bound.name, "id": bound.auto_id, "label": bound.label, "errors": bound.errors}
        if isinstance(widget, LookupWidget):
            control.update(kind="lookup", html=str(bound))
        elif isinstance(widget, forms.CheckboxSelectMultiple | forms.Select):
            options = [(str(value), label, str(value) in raw) for value, label in bound.field.choices]
            kind = "checks" if isinstance(widget, forms.CheckboxSelectMultiple) else "select"
            control.update(kind=kind, options=options, options_html=_options_html(kind, bound, options))
        else:
            control.update(
                kind="input",
                type=getattr(widget, "input_type", "text"),
                value=raw[0] if raw else "",
                attrs=[(key, value) for key, value in widget.attrs.items() if key != "type"],
            )
        controls.append(control)
    return controls


def _options_html(kind: str, bound: Any, options: list[tuple[str, Any, bool]]) -> SafeString:
    """A select's options or a fieldset's checkboxes in one pass (hundreds of people in the manager filter
    took a template loop ~10 ms)."""
    if kind == "select":
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((value, SafeString(" selected") if chosen else "", label) for value, label, chosen in options),
        )
    return format_html_join(
        "",
        '<label for="{}_{}"><input type="checkbox" name="{}" value="{}" id="{}_{}"{}>{}</label>',
        (
            (
                bound.auto_id,
                i,
                bound.name,
                value,
                bound.auto_id,
                i,
                SafeString(" checked") if chosen else "",
                label,
            )
            for i, (value, label, chosen) in enumerate(options)
        ),
    )


def _split_columns(params: QueryDict) -> list[str]:
    return [key.strip() for raw in params.getlist("cols") for key in raw.split(",") if key.strip()]


def list_state(spec: ListSpec, params: QueryDict, *, user: Any, request: Any = None) -> ListState:
    """Read filters, ``sort``, ``cols``, ``per_page`` and ``page`` from ``params`` (unknown values fall back to
    the list's defaults). The FilterSet works on the records ``user`` may see."""
    filterset = spec.filterset(data=params, queryset=spec.visible(user), request=request)
    chosen = [spec.by_key[key] for key in dict.fromkeys(_split_columns(params)) if key in spec.by_key]
    wanted = {c.key for c in chosen} if chosen else {c.key for c in spec.columns if c.default}
    columns = [c for c in spec.columns if c.required or c.key in wanted]

    sort = params.get("sort", "") or spec.default_sort
    column = spec.by_key.get(sort.lstrip("-"))
    if column is None or not column.sortable:
        sort = spec.default_sort
        column = spec.by_key[sort.lstrip("-")]
    try:
        per_page = int(params.get("per_page", PER_PAGE_CHOICES[0]))
    except (TypeError, ValueError):
        per_page = PER_PAGE_CHOICES[0]
    return ListState(
        spec=spec,
        params=params,
        filterset=filterset,
        columns=columns,
        sort_column=column,
        descending=sort.startswith("-"),
        per_page=per_page if per_page in PER_PAGE_CHOICES else PER_PAGE_CHOICES[0],
        page_number=params.get("page"),
        columns_chosen=bool(chosen),
    )


def _display(form_field: Any, value: Any) -> str:
    if hasattr(value, "pk") and hasattr(form_field, "label_from_instance"):
        return str(form_field.label_from_instance(value))
    choices = getattr(form_field, "choices", None)
    for choice, label in choices if choices is not None else ():
        if str(choice) == str(value):
            return str(label)
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal | float | int):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


def filter_chips(state: ListState) -> list[dict[str, str]]:
    """One removable chip per active filter value: ``{"name", "value", "label", "text", "query"}``; the query
    is the list's without that value (and back to the first page). Invalid values get no chip."""
    form = state.filterset.form
    form.is_valid()
    chips = []
    for name in state.filterset.base_filters:
        value = form.cleaned_data.get(name)
        raw_values = [raw for raw in state.params.getlist(name) if raw != ""]
        if value in (None, "", [], ()) or not raw_values:
            continue
        field_ = form.fields[name]
        shown = raw_values if isinstance(value, list | tuple) else [raw_values[0]]
        for raw in shown:
            params = state.params.copy()
            params.pop("page", None)
            params.pop("view", None)
            params.setlist(name, [v for v in params.getlist(name) if v != raw])
            text = _display(field_, value if not isinstance(value, list | tuple) else raw)
            chips.append(
                {
                    "name": name,
                    "value": raw,
                    "label": str(field_.label),
                    "text": text,
                    "query": params.urlencode(),
                }
            )
    return chips


# --- rows ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    obj: Any
    url: str
    html: SafeString  # the row's data cells, <td>…</td> each (crm.listing.cells)
    select_label: str  # the row checkbox's accessible name


@cache
def _url_pattern(url_name: str) -> str:
    """The record page's URL with a placeholder for the pk ("" while the page is not installed): one reverse()
    per list, not one per row."""
    try:
        return reverse(url_name, args=[_PK_PLACEHOLDER])
    except NoReverseMatch:
        return ""


_PK_PLACEHOLDER = 987654321


def url_or_blank(url_name: str, *args: Any) -> str:
    """The page, or "" while it is not installed (the records pages are another feature)."""
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        return ""


def detail_url(url_name: str, pk: Any) -> str:
    pattern = _url_pattern(url_name)
    return pattern.replace(str(_PK_PLACEHOLDER), str(pk)) if pattern and pk is not None else ""


def rows(state: ListState, objects: Iterable[Any]) -> list[Row]:
    """The shown rows, their cells drawn once here (crm.listing.cells) rather than a template per cell."""
    from crm.listing.cells import render_cell

    columns = [
        (c, format_html(' class="col-{}{}"', c.key, " text-end" if c.align else "")) for c in state.columns
    ]
    shown = []
    for obj in objects:
        url = detail_url(state.spec.detail_url_name, obj.pk)
        html = format_html_join(
            "", "<td{}>{}</td>", ((css, render_cell(c.cell, c.value(obj), obj, url)) for c, css in columns)
        )
        shown.append(Row(obj, url, html, _("Select %(name)s") % {"name": obj}))
    return shown
