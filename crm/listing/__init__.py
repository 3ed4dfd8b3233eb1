"""A small list engine for the CRM's artist, sponsor, contact and deal lists: one engine, four specs.

- :mod:`crm.listing.engine`: :class:`Column`, :class:`ListSpec`, :class:`ListState` and :func:`list_state`
  (filters, sorting, columns, page size from a query string), filter chips, rows.
- :mod:`crm.listing.cells`: how each kind of cell is drawn.
- :mod:`crm.listing.exports`: CSV and XLSX of exactly what a list shows.
- :mod:`crm.listing.specs`: the four lists.

The selectors that run a list are in crm.selectors.lists; the pages in crm.views.lists.
"""

from crm.listing.engine import (
    PER_PAGE_CHOICES,
    Column,
    ListSpec,
    ListState,
    Row,
    detail_url,
    filter_chips,
    list_state,
    rows,
    url_or_blank,
)
from crm.listing.exports import export_csv, export_xlsx, guard_formula
from crm.listing.specs import (
    ARTISTS,
    CONTACTS,
    DEALS,
    SPECS,
    SPONSORS,
    normalised_query,
    saved_view_url,
    spec_for,
)

__all__ = [
    "ARTISTS",
    "CONTACTS",
    "DEALS",
    "PER_PAGE_CHOICES",
    "SPECS",
    "SPONSORS",
    "Column",
    "ListSpec",
    "ListState",
    "Row",
    "detail_url",
    "export_csv",
    "export_xlsx",
    "filter_chips",
    "guard_formula",
    "list_state",
    "normalised_query",
    "rows",
    "saved_view_url",
    "spec_for",
    "url_or_blank",
]
