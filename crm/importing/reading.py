"""Reading an uploaded spreadsheet: what it is (by content, not by name), how its text is encoded, how its
columns are separated, its column names, and its rows one by one (a 100 MB file is never held in memory).

Supported: CSV (UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252/Latin-1; ``,`` ``;`` tab or ``|``)
and XLSX (first sheet; formulas give their computed value). Anything else gets a :class:`FileProblem` that
says what the file looks like and how to save it properly.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
# A single cell longer than this is a broken file (usually a quote left open), not data.
MAX_CELL_CHARS = 1_000_000
SNIFF_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (BOM)",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252 / Latin-1",
}
DELIMITER_LABELS = {",": ",", ";": ";", "\t": "tab", "|": "|"}

csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_CHARS))


class FileProblem(ValidationError):
    """The file as a whole cannot be imported (keyed on ``file`` for forms)."""

    def __init__(self, message: str):
        super().__init__({"file": [message]})
        self.text = message


@dataclass
class FileInfo:
    format: str  # "csv" | "xlsx"
    encoding: str = ""
    delimiter: str = ""
    headers: list[str] = field(default_factory=list)
    total_rows: int = 0


# --- what the file is ------------------------------------------------------------------------------------


def sniff_format(path: Path) -> str:
    """``"csv"`` or ``"xlsx"`` from the first bytes; a clear :class:`FileProblem` for anything else."""
    with open(path, "rb") as stream:
        head = stream.read(SNIFF_BYTES)
    if not head.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise FileProblem(_("The file is empty."))
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise FileProblem(
            _(
                "This is an old Excel file (.xls) or a password-protected workbook. Open it in your "
                "spreadsheet and save it as .xlsx or as CSV UTF-8, without a password."
            )
        )
    for magic, what in ((b"%PDF", "PDF"), (b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF")):
        if head.startswith(magic):
            raise FileProblem(
                _("This is a %(what)s file, not a spreadsheet. Upload a CSV or XLSX file.") % {"what": what}
            )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in head:
        raise FileProblem(_("This is not a text file nor an Excel workbook. Upload a CSV or XLSX file."))
    return "csv"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError):
        raise FileProblem(_("This ZIP or Excel file is damaged and cannot be opened.")) from None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "opendocument.spreadsheet" in mimetype:
        raise FileProblem(
            _("OpenDocument spreadsheets (.ods) are not supported: save the file as .xlsx or as CSV UTF-8.")
        )
    raise FileProblem(_("This is a ZIP archive or a document, not a spreadsheet. Upload a CSV or XLSX file."))


# --- CSV: encoding and delimiter -----------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """The encoding the whole file decodes with: BOM first, then UTF-8, then Windows-1252."""
    with open(path, "rb") as stream:
        head = stream.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "cp1252"):
        if _decodes(path, encoding):
            return encoding
    # Latin-1 decodes any byte, but the bytes that Windows-1252 refuses become control characters there:
    # such a file is in another encoding (Mac Roman, DOS…) and would import as gibberish.
    raise FileProblem(
        _(
            "The characters of this file cannot be read: it is neither UTF-8 nor Windows/Latin-1 text. "
            "In your spreadsheet, save it as “CSV UTF-8” and upload it again."
        )
    )


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    with open(path, "rb") as stream:
        try:
            while chunk := stream.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _text_sample(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, newline="") as stream:
        sample = stream.read(SNIFF_BYTES)
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    if controls > max(3, len(sample) // 100):
        raise FileProblem(_("This is not a text file nor an Excel workbook. Upload a CSV or XLSX file."))
    if len(sample) == SNIFF_BYTES:  # cut at the last complete line
        cut = max(sample.rfind("\n"), sample.rfind("\r"))
        sample = sample[:cut] if cut > 0 else sample
    return sample


def sniff_delimiter(sample: str) -> str:
    """The separator that splits the first lines into the same number (> 1) of columns most consistently."""
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = [
                row
                for row in csv.reader(io.StringIO(sample), delimiter=delimiter)
                if any(c.strip() for c in row)
            ]
        except csv.Error:
            continue
        rows = rows[:50]
        if not rows:
            continue
        widths = [len(row) for row in rows]
        width = max(set(widths), key=widths.count)
        if width < 2:
            continue
        score = (widths.count(width) / len(widths), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# --- headers ---------------------------------------------------------------------------------------------


def clean_headers(cells: list) -> list[str]:
    """Column names as shown to people: trimmed, "Column 3" for a blank one, "E-mail (2)" for a repeated one
    (the mapping is keyed by name, so two columns must never share one)."""
    cells = list(cells)
    while cells and not str(cells[-1] or "").strip():
        cells.pop()  # trailing blank columns (spreadsheets often add some)
    headers: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(cells, start=1):
        name = " ".join(str(cell or "").replace("\ufeff", "").split())[:120]
        name = name or _("Column %(number)s") % {"number": index}
        unique, n = name, 1
        while unique.lower() in seen:
            n += 1
            unique = f"{name} ({n})"
        seen.add(unique.lower())
        headers.append(unique)
    return headers


# --- inspecting and reading ------------------------------------------------------------------------------


def inspect_file(path: Path) -> FileInfo:
    """Everything the mapping step needs: format, encoding, delimiter, column names, number of rows."""
    kind = sniff_format(path)
    if kind == "xlsx":
        info = FileInfo(format="xlsx")
    else:
        encoding = detect_encoding(path)
        info = FileInfo(
            format="csv", encoding=encoding, delimiter=sniff_delimiter(_text_sample(path, encoding))
        )
    header_seen = False
    for _number, cells in _raw_rows(path, info):
        if not header_seen:
            if not any(cells):
                continue
            info.headers, header_seen = clean_headers(cells), True
            continue
        if any(cells):
            info.total_rows += 1
    if not header_seen:
        raise FileProblem(_("The file is empty."))
    if not info.total_rows:
        raise FileProblem(_("The file has column names but no rows to import."))
    return info


def iter_rows(path: Path, info: FileInfo) -> Iterator[tuple[int, list[str]]]:
    """``(row number as a spreadsheet shows it, cells as text)`` for each non-blank row after the header (the
    first non-blank row)."""
    width = len(info.headers)
    header_seen = False
    for number, cells in _raw_rows(path, info):
        if not any(cells):
            continue
        if not header_seen:
            header_seen = True
            continue
        cells = cells[:width] + [""] * (width - len(cells))
        yield number, cells


def _raw_rows(path: Path, info: FileInfo) -> Iterator[tuple[int, list[str]]]:
    if info.format == "xlsx":
        yield from _xlsx_rows(path)
        return
    try:
        with open(path, encoding=info.encoding, newline="") as stream:
            reader = csv.reader(stream, delimiter=info.delimiter or ",")
            number = 0
            for number, row in enumerate(reader, start=1):  # noqa: B007 (read in the error message)
                yield number, [cell.strip() for cell in row]
    except csv.Error as error:
        if "field larger" in str(error):
            raise FileProblem(
                _(
                    'After row %(row)s a cell is longer than %(limit)s characters: a quote (") is probably '
                    "left open. Fix the file and upload it again."
                )
                % {"row": number, "limit": f"{MAX_CELL_CHARS:,}"}
            ) from None
        raise FileProblem(
            _("The CSV is malformed after row %(row)s: %(error)s") % {"row": number, "error": error}
        ) from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)  # data_only: formulas give their value
    except Exception:  # openpyxl raises many kinds (KeyError, BadZipFile, InvalidFileException…)
        raise FileProblem(_("This Excel file is damaged or protected and cannot be opened.")) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers declare A1:XFD1048576; read what is really there
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_xlsx_text(value) for value in row]
            while cells and not cells[-1]:
                cells.pop()
            yield number, cells
    finally:
        workbook.close()


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()
