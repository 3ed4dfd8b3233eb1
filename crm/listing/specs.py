"""The four CRM lists: artists, sponsors, contacts, deals (their filters are in crm.filters)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Prefetch,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from crm import filters as crm_filters
from crm import permissions
from crm.listing.engine import Column, ListSpec
from crm.models import Artist, SavedView, Stage


def _listed(relation: str) -> Prefetch:
    """Related rows as a plain list ``listed_<relation>`` (no related manager per cell)."""
    return Prefetch(relation, to_attr=f"listed_{relation}")


@cache
def _country_name(code: str, language: str) -> str:
    return str(countries.name(code) or code)


def _count(n: int) -> str:
    return formats.number_format(n, use_l10n=True, force_grouping=True)


def _names(items: Iterable[Any]) -> list[str]:
    return [str(item) for item in items]


def _people(users: Iterable[Any]) -> list[str]:
    return [user.get_full_name() or user.email for user in users]


STATUS_ORDER = Case(
    *[When(status=value, then=Value(index)) for index, value in enumerate(Artist.Status.values)],
    output_field=IntegerField(),
)
OUTCOME_ORDER = Case(
    *[When(stage__outcome=value, then=Value(index)) for index, value in enumerate(Stage.Outcome.values)],
    output_field=IntegerField(),
)
DEAL_PROBABILITY = Coalesce("probability", "stage__probability")
DEAL_WEIGHTED = ExpressionWrapper(
    F("value") * Coalesce("probability", "stage__probability") / Value(Decimal(100)),
    output_field=DecimalField(max_digits=14, decimal_places=2),
)


def _country(obj: Any) -> str:
    code = vars(obj).get("country")  # the stored code; the field's descriptor builds a Country per access
    return _country_name(code, get_language() or "") if code else ""


@cache
def _choice_labels(choices: type, language: str) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _label(choices: type, value: str) -> str:
    """A choice's label in the current language (``get_FOO_display()`` rebuilds its table on every call)."""
    return _choice_labels(choices, get_language() or "").get(value, value)


def _created(sort: str = "created_at") -> Column:
    return Column(
        "created",
        _("Created"),
        lambda o: o.created_at,
        cell="date",
        sort=sort,
        desc_first=True,
        default=False,
    )


ARTISTS = ListSpec(
    count_text=lambda n: ngettext("%(count)s artist", "%(count)s artists", n) % {"count": _count(n)},
    empty_title=_("No artists yet"),
    empty_hint=_("Add your first artist, or import a spreadsheet."),
    create_label=_("New artist"),
    key=SavedView.ListKey.ARTISTS,
    title=_("Artists"),
    noun_plural=_("artists"),
    filterset=crm_filters.ArtistFilter,
    default_sort="name",
    visible=permissions.artists_visible_to,
    url_name="crm:artist-list",
    detail_url_name="crm:artist-detail",
    create_url_name="crm:artist-create",
    assign_label=_("Assign a manager"),
    search_placeholder=_("Stage name, alias or legal name"),
    empty_text=_("No artist matches these filters."),
    columns=(
        Column(
            "name",
            _("Artist"),
            lambda o: o.stage_name,
            cell="artist-name",
            sort="normalized_name",
            required=True,
        ),
        Column(
            "status",
            _("Status"),
            lambda o: _label(Artist.Status, o.status),
            cell="artist-status",
            sort=STATUS_ORDER,
        ),
        Column(
            "score", _("Score"), lambda o: o.score, cell="score", sort="score", desc_first=True, align="end"
        ),
        Column(
            "audience",
            _("Audience"),
            lambda o: o.audience_total,
            cell="compact",
            sort="audience_total",
            desc_first=True,
            align="end",
        ),
        Column(
            "genres",
            _("Genres"),
            lambda o: _names(o.listed_genres),
            cell="list",
            prefetch=(_listed("genres"),),
        ),
        Column(
            "tags",
            _("Tags"),
            lambda o: list(o.listed_tags),
            cell="tags",
            prefetch=(_listed("tags"),),
            export=lambda o: _names(o.listed_tags),
        ),
        Column(
            "managers",
            _("Managers"),
            lambda o: list(o.listed_managers),
            cell="people",
            prefetch=(_listed("managers"),),
            export=lambda o: _people(o.listed_managers),
        ),
        Column("country", _("Country"), _country, sort="country"),
        Column("city", _("City"), lambda o: o.city, sort="city", default=False),
        Column("legal_name", _("Legal name"), lambda o: o.legal_name, sort="legal_name", default=False),
        Column("email", _("E-mail"), lambda o: o.email, cell="email", sort="email", default=False),
        Column("phone", _("Phone"), lambda o: o.phone, default=False),
        Column(
            "last_interaction",
            _("Last contact"),
            lambda o: o.last_interaction_at,
            cell="date",
            sort="last_interaction_at",
            desc_first=True,
        ),
        Column(
            "contract_end",
            _("Contract ends"),
            lambda o: o.contract_end,
            cell="date",
            sort="contract_end",
            default=False,
        ),
        _created(),
    ),
)

SPONSORS = ListSpec(
    count_text=lambda n: ngettext("%(count)s sponsor", "%(count)s sponsors", n) % {"count": _count(n)},
    empty_title=_("No sponsors yet"),
    empty_hint=_("Add the brands you work with, or import a spreadsheet."),
    create_label=_("New sponsor"),
    key=SavedView.ListKey.SPONSORS,
    title=_("Sponsors"),
    noun_plural=_("sponsors"),
    filterset=crm_filters.SponsorFilter,
    default_sort="name",
    visible=permissions.sponsors_visible_to,
    url_name="crm:sponsor-list",
    detail_url_name="crm:sponsor-detail",
    create_url_name="crm:sponsor-create",
    select_related=(),
    assign_label=_("Assign an owner"),
    search_placeholder=_("Brand name or industry"),
    empty_text=_("No sponsor matches these filters."),
    columns=(
        Column(
            "name", _("Sponsor"), lambda o: o.name, cell="sponsor-name", sort="normalized_name", required=True
        ),
        Column("industry", _("Industry"), lambda o: o.industry, sort="industry"),
        Column(
            "budget",
            _("Budget"),
            lambda o: (o.budget_min, o.budget_max),
            cell="budget",
            sort=Coalesce("budget_max", "budget_min"),
            desc_first=True,
            align="end",
            currency=lambda o: o.currency,
            export_labels=(_("Budget from"), _("Budget up to")),
        ),
        Column(
            "owner",
            _("Owner"),
            lambda o: [o.owner] if o.owner else [],
            cell="people",
            select=("owner",),
            sort="owner__first_name",
            export=lambda o: _people([o.owner] if o.owner else []),
        ),
        Column(
            "tags",
            _("Tags"),
            lambda o: list(o.listed_tags),
            cell="tags",
            prefetch=(_listed("tags"),),
            export=lambda o: _names(o.listed_tags),
        ),
        Column(
            "target_genres",
            _("Target genres"),
            lambda o: _names(o.listed_target_genres),
            cell="list",
            prefetch=(_listed("target_genres"),),
            default=False,
        ),
        Column(
            "open_deals",
            _("Open deals"),
            lambda o: o.open_deals,
            cell="number",
            align="end",
            sort="open_deals",
            desc_first=True,
            annotate={"open_deals": Count("deals", filter=Q(deals__stage__outcome="open"))},
        ),
        Column("website", _("Website"), lambda o: o.website, cell="url", default=False),
        Column(
            "last_interaction",
            _("Last contact"),
            lambda o: o.last_interaction_at,
            cell="date",
            sort="last_interaction_at",
            desc_first=True,
        ),
        _created(),
    ),
)

CONTACTS = ListSpec(
    count_text=lambda n: ngettext("%(count)s contact", "%(count)s contacts", n) % {"count": _count(n)},
    empty_title=_("No contacts yet"),
    empty_hint=_("Add the people at sponsors and in artists' teams."),
    create_label=_("New contact"),
    key=SavedView.ListKey.CONTACTS,
    title=_("Contacts"),
    noun_plural=_("contacts"),
    filterset=crm_filters.ContactFilter,
    default_sort="name",
    visible=permissions.contacts_visible_to,
    url_name="crm:contact-list",
    detail_url_name="crm:contact-detail",
    create_url_name="crm:contact-create",
    search_placeholder=_("Name, e-mail or role"),
    empty_text=_("No contact matches these filters."),
    columns=(
        Column(
            "name",
            _("Name"),
            lambda o: o.full_name,
            cell="contact-name",
            sort="normalized_name",
            required=True,
        ),
        Column(
            "organisation",
            _("Works for"),
            lambda o: o.sponsor or o.artist,
            cell="organisation",
            select=("sponsor", "artist"),
            sort=Coalesce("sponsor__normalized_name", "artist__normalized_name"),
        ),
        Column("role", _("Role"), lambda o: o.role, sort="role"),
        Column("email", _("E-mail"), lambda o: o.email, cell="email", sort="email"),
        Column("phone", _("Phone"), lambda o: o.phone),
        Column(
            "tags",
            _("Tags"),
            lambda o: list(o.listed_tags),
            cell="tags",
            prefetch=(_listed("tags"),),
            export=lambda o: _names(o.listed_tags),
        ),
        _created(),
    ),
)

DEALS = ListSpec(
    count_text=lambda n: ngettext("%(count)s deal", "%(count)s deals", n) % {"count": _count(n)},
    empty_title=_("No deals yet"),
    empty_hint=_("Create a deal, or start one from a sponsor–artist match."),
    create_label=_("New deal"),
    key=SavedView.ListKey.DEALS,
    title=_("Deals"),
    noun_plural=_("deals"),
    filterset=crm_filters.DealFilter,
    default_sort="-updated",
    visible=permissions.deals_visible_to,
    url_name="crm:deal-list",
    detail_url_name="crm:deal-detail",
    create_url_name="crm:deal-create",
    select_related=("stage",),
    assign_label=_("Assign an owner"),
    search_placeholder=_("Title, sponsor or artist"),
    empty_text=_("No deal matches these filters."),
    columns=(
        Column("title", _("Deal"), lambda o: o.title, cell="deal-title", sort="title", required=True),
        Column(
            "pipeline",
            _("Pipeline"),
            lambda o: o.pipeline.name,
            select=("pipeline",),
            sort="pipeline__position",
            default=False,
        ),
        Column(
            "stage",
            _("Stage"),
            lambda o: o.stage,
            cell="stage",
            sort=F("stage__position"),
            export=lambda o: o.stage.name,
        ),
        Column(
            "outcome",
            _("Open, won or lost"),
            lambda o: _label(Stage.Outcome, o.stage.outcome),
            cell="outcome",
            sort=OUTCOME_ORDER,
            default=False,
        ),
        Column(
            "sponsor",
            _("Sponsor"),
            lambda o: o.sponsor,
            cell="link-sponsor",
            select=("sponsor",),
            sort="sponsor__normalized_name",
        ),
        Column(
            "artists",
            _("Artists"),
            lambda o: list(o.listed_artists),
            cell="link-artists",
            prefetch=(_listed("artists"),),
            export=lambda o: _names(o.listed_artists),
        ),
        Column(
            "value",
            _("Value"),
            lambda o: o.value,
            cell="money",
            sort="value",
            desc_first=True,
            align="end",
            currency=lambda o: o.currency,
        ),
        Column(
            "probability",
            _("Probability"),
            lambda o: o.effective_probability_value,
            cell="percent",
            sort="effective_probability_value",
            desc_first=True,
            align="end",
            default=False,
            annotate={"effective_probability_value": DEAL_PROBABILITY},
        ),
        Column(
            "weighted",
            _("Weighted value"),
            lambda o: o.weighted_value_amount,
            cell="money",
            sort="weighted_value_amount",
            desc_first=True,
            align="end",
            default=False,
            annotate={"weighted_value_amount": DEAL_WEIGHTED},
            currency=lambda o: o.currency,
        ),
        Column(
            "expected_close",
            _("Expected close"),
            lambda o: o.expected_close_date,
            cell="date",
            sort="expected_close_date",
        ),
        Column(
            "owner",
            _("Owner"),
            lambda o: [o.owner] if o.owner else [],
            cell="people",
            select=("owner",),
            sort="owner__first_name",
            export=lambda o: _people([o.owner] if o.owner else []),
        ),
        Column(
            "tags",
            _("Tags"),
            lambda o: list(o.listed_tags),
            cell="tags",
            prefetch=(_listed("tags"),),
            export=lambda o: _names(o.listed_tags),
        ),
        Column(
            "updated",
            _("Updated"),
            lambda o: o.updated_at,
            cell="date",
            sort="updated_at",
            desc_first=True,
            default=False,
        ),
        _created(),
    ),
)

SPECS: dict[str, ListSpec] = {spec.key: spec for spec in (ARTISTS, SPONSORS, CONTACTS, DEALS)}


def spec_for(list_key: str) -> ListSpec:
    return SPECS[list_key]


def saved_view_url(view: SavedView) -> str:
    """Where applying a saved view leads: its list with its filters, sorting and columns."""
    query = QueryDict(view.query, mutable=True)
    for name in ("page", "cols", "view"):
        query.pop(name, None)
    if view.columns:
        query["cols"] = ",".join(view.columns)
    query["view"] = str(view.pk)
    return reverse(spec_for(view.list_key).url_name) + "?" + query.urlencode()


def normalised_query(params: QueryDict | str) -> str:
    """A query string without paging or the applied view's marker, keys sorted: to compare list states."""
    params = QueryDict(params) if isinstance(params, str) else params
    pairs = sorted(
        (key, value) for key in params for value in params.getlist(key) if key not in ("page", "view")
    )
    return urlencode(pairs)
