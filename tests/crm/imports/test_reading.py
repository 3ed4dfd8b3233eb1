"""Reading uploads: format by content, encodings, BOM, delimiters, XLSX values, and the files we refuse."""

import codecs
import io
import zipfile

import pytest

from crm.importing.reading import FileProblem, clean_headers, inspect_file, iter_rows
from tests.crm.imports.conftest import csv_bytes, xlsx_bytes

ROWS = [
    ["Nom de scène", "E-mail", "Pays"],
    ["Léa Ølsen", "lea@example.com", "Norvège"],
    ["Zoé", "zoe@example.com", "FR"],
]


def write(tmp_path, content: bytes, name: str = "f.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def read_all(path):
    info = inspect_file(path)
    return info, list(iter_rows(path, info))


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("utf-16", "utf-16")],
)
def test_encodings_are_detected_and_accents_survive(tmp_path, encoding, expected):
    rows = [["Nom de scène", "Ville"], ["Léa Éclair", "Besançon"]] if encoding == "cp1252" else ROWS
    path = write(tmp_path, csv_bytes(rows, encoding=encoding))

    info, data = read_all(path)

    assert info.encoding == expected
    assert info.headers[0] == "Nom de scène"  # no BOM left in the first header
    assert data[0][1][0] == rows[1][0]


def test_a_file_that_is_neither_utf8_nor_windows_1252_is_refused_clearly(tmp_path):
    # 0x81 and 0x8d are undefined in Windows-1252 (and invalid UTF-8): a DOS/Mac encoding
    path = write(tmp_path, b"name,city\nCaf\x81 \x8d,Paris\n")

    with pytest.raises(FileProblem) as problem:
        inspect_file(path)

    assert "CSV UTF-8" in problem.value.text


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    rows = [
        ["Stage name", "Email", "City"],
        ["A, the band", "a@example.com", "Paris"],
        ["B", "b@example.com", "Lyon"],
    ]
    path = write(tmp_path, csv_bytes(rows, delimiter=delimiter))

    info, data = read_all(path)

    assert info.delimiter == delimiter
    assert info.headers == ["Stage name", "Email", "City"]
    assert data[0][1] == ["A, the band", "a@example.com", "Paris"]


def test_rows_keep_their_spreadsheet_numbers_and_blank_rows_are_ignored(tmp_path):
    path = write(tmp_path, b"\n\nName,City\nA,Paris\n,,\nB,Lyon\n")

    info, data = read_all(path)

    assert info.total_rows == 2
    assert [number for number, _cells in data] == [4, 6]


def test_duplicate_and_blank_headers_get_names_of_their_own(tmp_path):
    assert clean_headers(["E-mail", "e-mail", "", "Name", "  ", ""]) == [
        "E-mail",
        "e-mail (2)",
        "Column 3",
        "Name",
    ]


def test_empty_file_header_only_and_whitespace_are_refused(tmp_path):
    for content, message in [
        (b"", "The file is empty."),
        (b"   \n\n", "The file is empty."),
        (codecs.BOM_UTF8, "The file is empty."),
        (b"Name,Email\n", "no rows"),
    ]:
        with pytest.raises(FileProblem) as problem:
            inspect_file(write(tmp_path, content))
        assert message in problem.value.text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7 binary", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"\x00\x01\x02\x03binary\x00", "not a text file"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused_by_content(tmp_path, content, message):
    with pytest.raises(FileProblem) as problem:
        inspect_file(write(tmp_path, content, name="artists.csv"))  # the name says CSV; the content does not

    assert message in problem.value.text


def test_a_zip_that_is_not_a_workbook_and_an_ods_are_refused(tmp_path):
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")

    with pytest.raises(FileProblem, match="not a spreadsheet"):
        inspect_file(write(tmp_path, docx.getvalue(), "a.xlsx"))
    with pytest.raises(FileProblem, match="OpenDocument"):
        inspect_file(write(tmp_path, ods.getvalue(), "a.ods"))


def test_a_damaged_workbook_is_refused(tmp_path):
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("xl/workbook.xml", "not xml at all")

    with pytest.raises(FileProblem, match="damaged"):
        inspect_file(write(tmp_path, broken.getvalue(), "a.xlsx"))


def test_xlsx_gives_text_values_and_formula_results(tmp_path):
    import datetime

    rows = [
        ["Stage name", "Followers", "Phone", "Since", "Total"],
        ["Léa", 12500, 33612345678, datetime.date(2024, 5, 1), None],
        [None, None, None, None, None],
        ["Zoé", 3.5, "06 12", None, None],
    ]
    content = xlsx_bytes(rows, formulas={"E2": "=B2*2"})
    # openpyxl writes no cached result for a formula: put one in, as Excel does when it saves
    content = _with_cached_value(content, "E2", "25000")
    path = write(tmp_path, content, "a.xlsx")

    info, data = read_all(path)

    assert info.format == "xlsx" and info.total_rows == 2
    assert data[0] == (2, ["Léa", "12500", "33612345678", "2024-05-01", "25000"])
    assert data[1] == (4, ["Zoé", "3.5", "06 12", "", ""])


def _with_cached_value(content: bytes, cell: str, value: str) -> bytes:
    """Rewrite sheet1.xml so the formula cell carries a cached value (<v>), like a workbook saved by Excel."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start)
                text = text[:start] + text[start:end].replace("<v />", "") + f"<v>{value}</v>" + text[end:]
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()


def test_a_quote_left_open_is_a_clear_file_error(tmp_path, monkeypatch):
    import csv as csv_module

    from crm.importing import reading

    monkeypatch.setattr(reading, "MAX_CELL_CHARS", 1000)
    limit = csv_module.field_size_limit(1000)
    try:
        path = write(tmp_path, b'Name,Bio\nA,"opened and never closed\n' + b"x" * 5000 + b"\n")
        with pytest.raises(FileProblem, match="quote"):
            inspect_file(path)
    finally:
        csv_module.field_size_limit(limit)
