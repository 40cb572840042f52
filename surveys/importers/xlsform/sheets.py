"""Reading the sheets of an XLSForm: .xlsx (openpyxl), .xls (xlrd), .csv.

Every row keeps its row number in the source (`ROW`), so the report can
point at it. Blank rows are not rows: a sheet may have at most `MAX_ROWS`
rows with content, however far its formatting reaches. In a workbook with a
survey sheet only the form's own sheets are read; in one without, every
sheet is (one may stand in for it), and a sheet other than the form's own
that is longer than the limit is left unread.
"""

import csv
import io
import zipfile
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from ..encoding import decode_text
from ..report import file_error

Sheet = list[dict[str, str]]
MAX_ROWS = 5000
ROW = "__row__"  # the row number in the source sheet (1 = the first row)
FORM_SHEETS = ("survey", "choices", "settings")


class _TooLong(Exception):
    pass


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _too_long() -> Exception:
    return file_error(
        "too_large", gettext("A sheet may have at most %(n)s rows.") % {"n": MAX_ROWS}
    )


def _sheet(name: str, rows: Iterable[tuple[int, list[Any]]]) -> Sheet:
    """A sheet's table; another sheet than the form's own is left unread when too long."""
    try:
        return _table(rows)
    except _TooLong:
        if name in FORM_SHEETS:
            raise _too_long() from None
        return []


def _wanted(titles: list[str]) -> set[str]:
    """The sheets to read: the form's own when there is a survey sheet, else every one."""
    names = {t.strip().lower() for t in titles}
    return names & set(FORM_SHEETS) if "survey" in names else names


def _table(rows: Iterable[tuple[int, list[Any]]]) -> Sheet:
    """The rows with content under the header row, each with its source row number."""
    header: list[str] | None = None
    out: Sheet = []
    for number, row in rows:
        cells = [_cell(c) for c in row]
        if not any(cells):
            continue
        if header is None:
            header = [c.lower() for c in cells]
            continue
        if len(out) >= MAX_ROWS:
            raise _TooLong
        record = {h: v for h, v in zip(header, cells, strict=False) if h}
        record[ROW] = str(number)
        out.append(record)
    return out


def read_xlsx(raw: bytes) -> dict[str, Sheet]:
    from openpyxl import load_workbook

    damaged = gettext("The spreadsheet is damaged (not a valid .xlsx file).")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise file_error("corrupt", damaged) from None
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise file_error(
            "too_large", gettext("The spreadsheet unpacks to more than the import limit.")
        )
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on damaged files
        raise file_error("corrupt", damaged) from None
    try:
        wanted = _wanted([ws.title for ws in book.worksheets])
        return {
            ws.title.strip().lower(): _sheet(ws.title.strip().lower(), _xlsx_rows(ws))
            for ws in book.worksheets
            if ws.title.strip().lower() in wanted
        }
    finally:
        book.close()


def _xlsx_rows(ws: Any) -> Iterable[tuple[int, list[Any]]]:
    """The rows the sheet stores, with their numbers (not the formatted range it claims)."""
    ws.reset_dimensions()  # a saved `A1:AMJ1048576` would mean a billion empty cells
    for row in ws.iter_rows():
        cells = [c for c in row if getattr(c, "value", None) is not None]
        if cells:
            yield cells[0].row, _spread(cells)


def _spread(cells: list[Any]) -> list[Any]:
    """Cell values at their column positions (read-only rows skip empty cells)."""
    out: list[Any] = [None] * max(c.column for c in cells)
    for c in cells:
        out[c.column - 1] = c.value
    return out


def read_xls(raw: bytes) -> dict[str, Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=raw, on_demand=True)
    except Exception:  # xlrd raises XLRDError, struct.error, … on damaged files
        raise file_error(
            "corrupt", gettext("The spreadsheet is damaged (not a valid .xls file).")
        ) from None
    sheets = {}
    wanted = _wanted(book.sheet_names())
    for name in book.sheet_names():
        if name.strip().lower() not in wanted:
            continue
        sh = book.sheet_by_name(name)
        rows = ((i + 1, sh.row_values(i)) for i in range(sh.nrows))
        sheets[name.strip().lower()] = _sheet(name.strip().lower(), rows)
    return sheets


def read_csv(raw: bytes) -> dict[str, Sheet]:
    """One CSV: either the survey sheet alone, or sheets introduced by their name in column A."""
    text = decode_text(raw, "CSV")
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        raise file_error("corrupt", gettext("The CSV file cannot be read.")) from None
    numbered = list(enumerate(rows, start=1))
    first = next(([_cell(c).lower() for c in r] for _, r in numbered if any(r)), [])
    if first and first[0] not in ("survey", "choices", "settings") and "type" in first:
        return {"survey": _sheet("survey", numbered)}
    sheets: dict[str, list[tuple[int, list[Any]]]] = {}
    current: list[tuple[int, list[Any]]] | None = None
    for number, row in numbered:
        if row and _cell(row[0]):
            current = sheets.setdefault(_cell(row[0]).lower(), [])
        if current is not None and any(_cell(c) for c in row[1:]):
            current.append((number, row[1:]))
    return {name: _sheet(name, r) for name, r in sheets.items()}


READERS = {"xlsx": read_xlsx, "xls": read_xls, "csv": read_csv}
