"""Exports of a list: exactly what it shows under its filters, sorting and columns, every page. CSV is streamed
(UTF-8 with a BOM); XLSX is written by openpyxl in write-only mode. Money stays a number, with its currency in
the next column; text a spreadsheet would run as a formula gets a leading apostrophe."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from crm.listing.engine import ListState

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(value: Any) -> Any:
    """Spreadsheets run text starting with = + - @ as a formula: such text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def plain(value: Any) -> Any:
    """A cell value as an export writes it: numbers, dates and text (lists joined, labels translated)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value
    if (
        isinstance(value, list | tuple | set)
        or hasattr(value, "__iter__")
        and not isinstance(value, str | Promise)
    ):
        return ", ".join(str(plain(item)) for item in value)
    return guard_formula(str(value))


def export_header(state: ListState) -> list[str]:
    return [header for column in state.columns for header in column.export_headers()]


def export_row(state: ListState, obj: Any) -> list[Any]:
    return [plain(value) for column in state.columns for value in column.export_values(obj)]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def export_csv(state: ListState, objects: Iterable[Any]) -> Iterator[str]:
    """CSV lines (UTF-8 with a BOM, so spreadsheets read accents), header first; meant for streaming."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(export_header(state))
    for obj in objects:
        yield writer.writerow([_csv_text(value) for value in export_row(state, obj)])


def export_xlsx(state: ListState, objects: Iterable[Any]) -> tempfile.SpooledTemporaryFile:
    """An XLSX workbook (openpyxl write-only mode) in a temporary file, rewound; money cells are numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(state.spec.title)[:31])
    bold = Font(bold=True)
    header = []
    for title in export_header(state):
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    kinds = [column.cell for column in state.columns for _value in column.export_headers()]
    for obj in objects:
        line = []
        for kind, value in zip(kinds, export_row(state, obj), strict=True):
            cell = WriteOnlyCell(sheet, value=float(value) if isinstance(value, Decimal) else value)
            if kind == "money" and isinstance(value, Decimal):
                cell.number_format = "#,##0.00"
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            line.append(cell)
        sheet.append(line)
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    workbook.save(output)
    output.seek(0)
    return output
