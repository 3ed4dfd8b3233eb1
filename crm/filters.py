"""The filters of the CRM lists (django-filter FilterSets), one per record. The web lists (crm.listing) and the
REST API use the same classes, so a filter means the same thing everywhere.

Query parameters (all optional, combinable, shareable in a URL):

    artists   q, status (repeatable), genre (slug), tag, manager (pk or "null"), country, score_min, score_max
    sponsors  q, industry, tag, owner (pk or "null"), budget_min, budget_max
    contacts  q, belongs (sponsor|artist), sponsor, artist, tag
    deals     q, pipeline, stage, outcome (open|won|lost), owner (pk or "null"), tag, artist, sponsor,
              value_min, value_max, close_after, close_before

Text search (``q``) compares the accent- and case-free ``normalized_name`` (see crm.normalize), and for
artists also the aliases and the legal name.
"""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django import forms
from django.db.models import CharField, Exists, F, Func, OuterRef, Q, QuerySet, Value
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from crm import normalize
from crm.models import Artist, Contact, Deal, Genre, Pipeline, Sponsor, Stage, Tag
from crm.selectors.lists import artist_countries, crm_team, sponsor_industries

NULL_VALUE = "null"  # ?manager=null: artists without a manager (same for owners)
ANY = _("Any")  # the empty choice of a filter


# --- widgets and the form ------------------------------------------------------------------------------


class LookupWidget(forms.Widget):
    """A record picker for long lists (10,000 artists): a hidden input with the pk and a search box that asks
    the records' picker endpoint ``crm:record-picker`` for suggestions (static/js/crm-lists.js). Only the
    chosen record is rendered. ``kind``: "artist" or "sponsor"."""

    template_name = "crm/components/list-lookup.html"

    def __init__(self, kind: str, attrs: dict | None = None):
        super().__init__(attrs)
        self.kind = kind

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        model = {"artist": Artist, "sponsor": Sponsor}[self.kind]
        chosen = None
        if value not in (None, "", []):
            pk = value[0] if isinstance(value, list | tuple) else value
            if str(pk).isdigit():
                chosen = model.objects.filter(pk=pk).first()
        context["widget"].update(kind=self.kind, chosen=chosen)
        return context


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs, format="%Y-%m-%d")


class NumberInput(forms.NumberInput):
    def __init__(self, attrs: dict | None = None):
        super().__init__({"inputmode": "decimal", "min": "0", **(attrs or {})})


class CachedModelChoiceIterator(forms.models.ModelChoiceIterator):
    """Reads the choices once per form through the queryset's own result cache (Django's iterator opens a
    server-side cursor on every pass); keeps django-filter's "null" choice."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if getattr(self.field, "null_label", None) is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset:
            yield self.choice(obj)

    def __len__(self) -> int:
        extra = (self.field.empty_label is not None) + (getattr(self.field, "null_label", None) is not None)
        return len(self.queryset) + extra


class ListFilterForm(forms.Form):
    """Checks that each ``<x>_min``/``<x>_max`` (or ``<x>_after``/``<x>_before``) pair is in order; record
    choices are read once per form (and shared with the bulk-action menus)."""

    RANGES = (
        ("score_min", "score_max"),
        ("budget_min", "budget_max"),
        ("value_min", "value_max"),
        ("close_after", "close_before"),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and not isinstance(field.widget, LookupWidget):
                field.iterator = CachedModelChoiceIterator
                field.widget.choices = field.choices

    def clean(self) -> dict:
        data = super().clean()
        for low, high in self.RANGES:
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                self.add_error(high, _("This must not be below “%(low)s”.") % {"low": self.fields[low].label})
        return data


def _team(request: Any) -> QuerySet:
    # only what a choice shows (its label: _user_label): ~300 people per page, no full User rows
    return crm_team().only("pk", "first_name", "last_name", "email")


def _user_label(user: Any) -> str:
    return user.get_full_name() or user.email


class TeamChoiceFilter(filters.ModelChoiceFilter):
    """A Manager/Admin, or ``null`` for records nobody is assigned to."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("queryset", _team)
        kwargs.setdefault("null_label", _("Nobody"))
        kwargs.setdefault("null_value", NULL_VALUE)
        kwargs.setdefault("empty_label", ANY)
        super().__init__(*args, **kwargs)

    @property
    def field(self) -> forms.Field:
        field = super().field
        field.label_from_instance = _user_label
        return field


def _tag_filter() -> filters.ModelChoiceFilter:
    return filters.ModelChoiceFilter(
        field_name="tags", queryset=Tag.objects.all(), label=_("Tag"), empty_label=ANY
    )


def _search(queryset: QuerySet, value: str, *lookups: str) -> QuerySet:
    """``normalized_name`` contains the normalised query, or any of ``lookups`` contains the raw query."""
    value = (value or "").strip()
    if not value:
        return queryset
    condition = (
        Q(normalized_name__contains=normalize.normalize_name(value))
        if normalize.normalize_name(value)
        else Q()
    )
    for lookup in lookups:
        condition |= Q(**{f"{lookup}__icontains": value})
    return queryset.filter(condition)


class BaseListFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_q",
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    class Meta:
        form = ListFilterForm
        fields: list[str] = []


# --- artists --------------------------------------------------------------------------------------------


def _country_choices() -> list[tuple[str, str]]:
    return sorted(((code, countries.name(code) or code) for code in artist_countries()), key=lambda c: c[1])


class ArtistFilter(BaseListFilter):
    status = filters.MultipleChoiceFilter(
        choices=Artist.Status.choices,
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,  # one column of the row itself: no duplicates to remove (DISTINCT would scan them all)
    )
    genre = filters.ModelChoiceFilter(
        field_name="genres",
        queryset=Genre.objects.all(),
        to_field_name="slug",
        label=_("Genre"),
        empty_label=ANY,
    )
    tag = _tag_filter()
    manager = TeamChoiceFilter(field_name="managers", label=_("Manager"))
    country = filters.ChoiceFilter(choices=_country_choices, label=_("Country"), empty_label=ANY)
    score_min = filters.NumberFilter(
        field_name="score", lookup_expr="gte", label=_("Score from"), widget=NumberInput({"max": "100"})
    )
    score_max = filters.NumberFilter(
        field_name="score", lookup_expr="lte", label=_("Score up to"), widget=NumberInput({"max": "100"})
    )

    class Meta(BaseListFilter.Meta):
        model = Artist

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        aliases = Func(F("aliases"), Value(" "), function="array_to_string", output_field=CharField())
        return _search(queryset.alias(aliases_text=aliases), value, "aliases_text", "legal_name")


# --- sponsors -------------------------------------------------------------------------------------------


def _industry_choices() -> list[tuple[str, str]]:
    return [(industry, industry) for industry in sponsor_industries()]


class SponsorFilter(BaseListFilter):
    industry = filters.ChoiceFilter(choices=_industry_choices, label=_("Industry"), empty_label=ANY)
    tag = _tag_filter()
    owner = TeamChoiceFilter(label=_("Owner"))
    # a sponsor fits when its budget range reaches the asked range
    budget_min = filters.NumberFilter(
        method="filter_budget_min", label=_("Budget at least"), widget=NumberInput()
    )
    budget_max = filters.NumberFilter(
        method="filter_budget_max", label=_("Budget up to"), widget=NumberInput()
    )

    class Meta(BaseListFilter.Meta):
        model = Sponsor

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search(queryset, value, "industry")

    def filter_budget_min(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        """Can spend at least ``value``: the top of its range reaches it (no top: no limit)."""
        return queryset.filter(
            Q(budget_max__gte=value) | Q(budget_max__isnull=True, budget_min__isnull=False)
        )

    def filter_budget_max(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        """Works with ``value`` or less: the bottom of its range is below it (no bottom: from nothing)."""
        return queryset.filter(
            Q(budget_min__lte=value) | Q(budget_min__isnull=True, budget_max__isnull=False)
        )


# --- contacts -------------------------------------------------------------------------------------------


class ContactFilter(BaseListFilter):
    BELONGS = (("sponsor", _("Sponsor contacts")), ("artist", _("Artist teams")))

    belongs = filters.ChoiceFilter(
        choices=BELONGS, method="filter_belongs", label=_("Works for"), empty_label=ANY
    )
    sponsor = filters.ModelChoiceFilter(
        queryset=Sponsor.objects.all(), label=_("Sponsor"), widget=LookupWidget("sponsor")
    )
    artist = filters.ModelChoiceFilter(
        queryset=Artist.objects.all(), label=_("Artist's team"), widget=LookupWidget("artist")
    )
    tag = _tag_filter()

    class Meta(BaseListFilter.Meta):
        model = Contact

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search(queryset, value, "email", "role")

    def filter_belongs(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{f"{value}__isnull": False}) if value in ("sponsor", "artist") else queryset


# --- deals ----------------------------------------------------------------------------------------------


def _stages(request: Any) -> QuerySet:
    return (
        Stage.objects.filter(pipeline__archived=False)
        .select_related("pipeline")
        .order_by("pipeline__position", "pipeline__name", "position", "pk")
    )


class StageChoiceFilter(filters.ModelChoiceFilter):
    @property
    def field(self) -> forms.Field:
        field = super().field
        field.label_from_instance = lambda stage: f"{stage.pipeline.name} · {stage.name}"
        return field


class DealFilter(BaseListFilter):
    pipeline = filters.ModelChoiceFilter(
        queryset=Pipeline.objects.filter(archived=False), label=_("Pipeline"), empty_label=ANY
    )
    stage = StageChoiceFilter(queryset=_stages, label=_("Stage"), empty_label=ANY)
    outcome = filters.ChoiceFilter(
        field_name="stage__outcome",
        choices=Stage.Outcome.choices,
        label=_("Open, won or lost"),
        empty_label=ANY,
    )
    owner = TeamChoiceFilter(label=_("Owner"))
    tag = _tag_filter()
    artist = filters.ModelChoiceFilter(
        field_name="artists", queryset=Artist.objects.all(), label=_("Artist"), widget=LookupWidget("artist")
    )
    sponsor = filters.ModelChoiceFilter(
        queryset=Sponsor.objects.all(), label=_("Sponsor"), widget=LookupWidget("sponsor")
    )
    value_min = filters.NumberFilter(
        field_name="value", lookup_expr="gte", label=_("Value from"), widget=NumberInput()
    )
    value_max = filters.NumberFilter(
        field_name="value", lookup_expr="lte", label=_("Value up to"), widget=NumberInput()
    )
    close_after = filters.DateFilter(
        field_name="expected_close_date", lookup_expr="gte", label=_("Closing from"), widget=DateInput()
    )
    close_before = filters.DateFilter(
        field_name="expected_close_date", lookup_expr="lte", label=_("Closing until"), widget=DateInput()
    )

    class Meta(BaseListFilter.Meta):
        model = Deal

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return queryset
        key = normalize.normalize_name(value)
        by_artist = Exists(
            Deal.artists.through.objects.filter(deal_id=OuterRef("pk"), artist__normalized_name__contains=key)
        )
        condition = Q(title__icontains=value)
        if key:
            condition |= Q(sponsor__normalized_name__contains=key) | by_artist
        return queryset.filter(condition)
