"""XLSForm (.xlsx with openpyxl, .xls with xlrd, .csv with the csv module).

The survey, choices and settings sheets; `begin group` → sections, question
rows → questions (codes from `name`), `relevant` → display logic,
`label::Language (code)` columns → locales.
"""

import csv
import functools
import io
import json
import re
import zipfile
from collections.abc import Callable
from typing import Any

from django.conf import settings

from ..enums import ImportFormat
from .common import EXTRAS_KEY, Builder, apply_extras, norm_locale, number
from .report import ImportResult, file_error

Sheet = list[dict[str, str]]
MAX_ROWS = 5000
LANGUAGE_NAMES = {
    "english": "en",
    "french": "fr",
    "spanish": "es",
    "german": "de",
    "portuguese": "pt",
    "italian": "it",
    "dutch": "nl",
    "chinese": "zh",
    "japanese": "ja",
    "korean": "ko",
    "arabic": "ar",
    "hindi": "hi",
    "swahili": "sw",
    "russian": "ru",
}
TRUE = {"yes", "true", "true()", "1", "y"}
SKIPPED_TYPES = {
    "calculate": "a calculation",
    "hidden": "a hidden value",
    "geopoint": "a location",
    "geotrace": "a location trace",
    "geoshape": "a location shape",
    "image": "a photo",
    "audio": "an audio recording",
    "video": "a video",
    "file": "a file upload",
    "barcode": "a barcode",
    "time": "a time of day",
    "datetime": "a date and time",
    "background-audio": "background audio",
}
MEDIA = {"media", "image", "audio", "video", "big-image"}
METADATA = {"start", "end", "today", "deviceid", "phonenumber", "username", "email", "audit"}
METADATA |= {"simserial", "subscriberid", "start-geopoint", "instanceid"}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(rows: list[list[Any]]) -> Sheet:
    rows = [r for r in rows if any(_cell(c) for c in r)]
    if not rows:
        return []
    header = [_cell(h).lower() for h in rows[0]]
    if len(rows) > MAX_ROWS:
        raise file_error("too_large", f"A sheet may have at most {MAX_ROWS} rows.")
    return [{h: _cell(v) for h, v in zip(header, row, strict=False) if h} for row in rows[1:]]


def read_xlsx(raw: bytes) -> dict[str, Sheet]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise file_error(
            "corrupt", "The spreadsheet is damaged (not a valid .xlsx file)."
        ) from None
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise file_error("too_large", "The spreadsheet unpacks to more than the import limit.")
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on damaged files
        raise file_error(
            "corrupt", "The spreadsheet is damaged (not a valid .xlsx file)."
        ) from None
    try:
        return {
            ws.title.strip().lower(): _table(
                [list(r) for r in ws.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
            )
            for ws in book.worksheets
        }
    finally:
        book.close()


def read_xls(raw: bytes) -> dict[str, Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=raw, on_demand=True)
    except Exception:  # xlrd raises XLRDError, struct.error, … on damaged files
        raise file_error("corrupt", "The spreadsheet is damaged (not a valid .xls file).") from None
    sheets = {}
    for name in book.sheet_names():
        sh = book.sheet_by_name(name)
        if sh.nrows > MAX_ROWS + 1:
            raise file_error("too_large", f"A sheet may have at most {MAX_ROWS} rows.")
        sheets[name.strip().lower()] = _table([sh.row_values(i) for i in range(sh.nrows)])
    return sheets


def read_csv(raw: bytes) -> dict[str, Sheet]:
    """One CSV: either the survey sheet alone, or sheets introduced by their name in column A."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise file_error("corrupt", "The CSV file is not UTF-8 text.") from None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        raise file_error("corrupt", "The CSV file cannot be read.") from None
    first = [_cell(c).lower() for c in rows[0]] if rows else []
    if first and first[0] not in ("survey", "choices", "settings") and "type" in first:
        return {"survey": _table(rows)}
    sheets: dict[str, list[list[Any]]] = {}
    current: list[list[Any]] | None = None
    for row in rows:
        if row and _cell(row[0]):
            current = sheets.setdefault(_cell(row[0]).lower(), [])
        if current is not None and any(_cell(c) for c in row[1:]):
            current.append(row[1:])
    return {name: _table(r) for name, r in sheets.items()}


def _lang_of(column: str, base: str) -> tuple[str, str] | None:
    """`label::English (en)` → ("label", "en"); `label` → ("label", "")."""
    if "::" not in column:
        return column, ""
    name, _, lang = column.partition("::")
    m = re.search(r"\(([^)]+)\)\s*$", lang)
    code = (
        norm_locale(m.group(1))
        if m
        else norm_locale(LANGUAGE_NAMES.get(lang.strip().lower(), lang))
    )
    return (name, code) if code else None


class _Import:
    def __init__(self, sheets: dict[str, Sheet]) -> None:
        self.survey: Sheet = sheets.get("survey") or []
        if not self.survey:
            raise file_error(
                "wrong_format", "An XLSForm needs a `survey` sheet with type and name columns."
            )
        self.choices_sheet = sheets.get("choices", [])
        st = (sheets.get("settings") or [{}])[0]
        self.settings = st
        default = norm_locale(st.get("default_language", "")) or None
        if default is None and st.get("default_language"):
            default = norm_locale(
                LANGUAGE_NAMES.get(st["default_language"].split("(")[0].strip().lower())
            )
        columns: set[str] = set()
        for row in self.survey + self.choices_sheet:
            columns.update(row)
        found = []
        for column in sorted(columns):
            parsed = _lang_of(column, "")
            if parsed and parsed[1]:
                found.append(parsed[1])
        default = default or (found[0] if found else "en")
        self.b = Builder(ImportFormat.XLSFORM, default_locale=default)
        self.b.locales = [default, *sorted({x for x in found if x != default})]
        for column in sorted(columns):
            if column.split("::")[0] in MEDIA:
                self.b.skip(f"column {column}", "images, audio and video are not imported")
            elif _lang_of(column, "") is None:
                self.b.skip(f"column {column}", "language not recognized: use label::Name (code)")
        self.loose: Callable[[], dict[str, Any]] = lambda: self.b.section("main", "survey")
        self.lists: dict[str, list[dict[str, str]]] = {}
        for row in self.choices_sheet:
            name = row.get("list_name") or row.get("list name") or ""
            if name:
                self.lists.setdefault(name, []).append(row)

    def loc(self, row: dict[str, str], field: str, where: str) -> dict[str, str]:
        values = {}
        for column, value in row.items():
            parsed = _lang_of(column, "")
            if parsed and parsed[0] == field and value:
                values[parsed[1] or self.b.default_locale] = value
        return self.b.localized(values, where)

    def run(self) -> ImportResult:
        b = self.b
        section: dict[str, Any] | None = None
        depth = 0
        repeat = 0
        for i, row in enumerate(self.survey, start=2):
            raw_type = re.sub(r"\s+", " ", row.get("type", "").strip())
            kind = (
                raw_type.lower().replace("_", " ")
                if raw_type.lower().startswith(("begin", "end"))
                else raw_type
            )
            name = row.get("name", "")
            where = f"survey row {i} ({name or raw_type})"
            if repeat:
                if kind == "begin repeat":
                    repeat += 1
                elif kind == "end repeat":
                    repeat -= 1
                continue
            if not raw_type:
                continue
            if kind == "begin repeat":
                b.skip(where, "repeat groups are not supported: the whole repeat is left out")
                repeat = 1
                continue
            if kind == "begin group":
                depth += 1
                if depth > 1:
                    b.approx(where, "nested group flattened into its section")
                    continue
                section = b.section(name or f"group{i}", where, title=self.loc(row, "label", where))
                logic = b.logic(row.get("relevant"), f"{where} relevant")
                if logic:
                    section["display_logic"] = logic
                self.extras(section, row, where, skip=("questions",))
                continue
            if kind == "end group":
                depth = max(0, depth - 1)
                if depth == 0:
                    section = None
                continue
            if section is None:  # outside groups: a section of its own, made when needed
                code = "main" if "main" not in b.section_codes else f"part{i}"
                self.loose = functools.partial(b.section, code, where)
            added = self.question(section, row, raw_type, where)
            if section is None and added is not None:
                section = added
        title = b.localized(
            {b.default_locale: self.settings.get("form_title", "")}, "settings form_title"
        )
        result = b.result(title=title)
        self.extras(result.document, self.settings, "settings", skip=("sections",))
        return result

    def extras(
        self, target: dict[str, Any], row: dict[str, str], where: str, skip: tuple[str, ...] = ()
    ) -> None:
        raw = row.get(EXTRAS_KEY)
        if not raw:
            return
        try:
            apply_extras(target, json.loads(raw), skip=skip)
        except ValueError:
            self.b.skip(f"{where} {EXTRAS_KEY}", "not valid JSON")

    def question(
        self, section: dict[str, Any] | None, row: dict[str, str], raw_type: str, where: str
    ) -> dict[str, Any] | None:
        """Add the question of a row; returns the section it went to (None: not added)."""
        b = self.b
        parts = raw_type.split()
        base = parts[0].lower()
        name = row.get("name", "")
        if base == "note":
            text = self.loc(row, "label", where)
            b.approx(where, "note shown as the section's description")
            b.describe(section, text)  # before any section: the next one's
            return None
        if base in METADATA:
            b.skip(where, f"metadata field {base} is not collected")
            return None
        if (
            base in SKIPPED_TYPES
            or base == "select_one_from_file"
            or base == "select_multiple_from_file"
        ):
            b.skip(
                where,
                f"{base} ({SKIPPED_TYPES.get(base, 'choices from a file')})"
                " has no TrustPulse question type",
            )
            return None
        code = b.unique(name or "q", b.question_codes, where)
        q: dict[str, Any] = {
            "code": code,
            "type": "short_text",
            "text": self.loc(row, "label", where) or {b.default_locale: code},
        }
        hint = self.loc(row, "hint", f"{where} hint")
        if hint:
            q["help_text"] = hint
        if row.get("required", "").strip().lower() in TRUE:
            q["required"] = True
        appearance = row.get("appearance", "").lower()
        if base in ("select_one", "select_multiple", "rank") and len(parts) >= 2:
            q["type"] = {
                "select_one": "single_choice",
                "select_multiple": "multiple_choice",
                "rank": "ranking",
            }[base]
            q["choices"] = self.choices(code, parts[1], where)
            if "or_other" in parts[2:]:
                if base == "rank":
                    b.skip(where, "or_other on a rank question is not supported")
                else:
                    q["allow_other"] = True
            if row.get("choice_filter"):
                b.skip(
                    f"{where} choice_filter",
                    "choice filters are not imported: every choice is shown",
                )
        elif base in ("integer", "decimal"):
            q["type"] = "number"
            lo, hi = self.bounds(row.get("constraint", ""), where)
            q["settings"] = {"min": lo, "max": hi}
            if base == "integer":
                q["settings"]["step"] = 1
        elif base == "range":
            q["type"] = "number"
            params = dict(re.findall(r"(\w+)\s*=\s*(-?[\d.]+)", row.get("parameters", "")))
            start, end = number(params.get("start", 1)), number(params.get("end", 10))
            step = number(params.get("step", 1))
            if start is None or end is None or end <= start:
                b.approx(where, "range parameters not understood: 1 to 10 used")
                start, end = 1, 10
            q["settings"] = {"min": start, "max": end, "widget": "slider"}
            if step:
                q["settings"]["step"] = step
        elif base == "text":
            q["type"] = "long_text" if "multiline" in appearance else "short_text"
        elif base == "date":
            q["type"] = "date"
        elif base == "acknowledge":
            q["type"] = "acknowledgement"
        else:
            b.skip(where, f"type {raw_type!r} is not supported")
            return None
        for column in ("default", "read_only", "calculation", "trigger", "repeat_count"):
            if row.get(column) and not (
                column == "read_only" and row[column].lower() in ("no", "false")
            ):
                b.skip(f"{where} {column}", f"the {column} column is not imported")
        if row.get("constraint") and base not in ("integer", "decimal"):
            b.skip(f"{where} constraint", "constraints other than number bounds are not imported")
        logic = b.logic(row.get("relevant"), f"{where} relevant")
        if logic:
            q["display_logic"] = logic
        self.extras(q, row, where)
        if section is None:
            section = self.loose()
        b.add(section, q)
        b.ref(name, code)
        return section

    def bounds(self, constraint: str, where: str) -> tuple[int | float, int | float]:
        lo = hi = None
        text = constraint.strip()
        for op, raw in re.findall(r"\.\s*(>=|>|<=|<)\s*(-?\d+(?:\.\d+)?)", text):
            if op.startswith(">"):
                lo = number(raw)
            else:
                hi = number(raw)
        rest = re.sub(r"\.\s*(>=|>|<=|<)\s*(-?\d+(?:\.\d+)?)|\band\b|[()\s]", "", text)
        if rest:
            self.b.skip(
                f"{where} constraint", f"constraint {text!r} imported only as far as its bounds"
            )
        return self.b.bounds(lo, hi, where)

    def choices(self, code: str, list_name: str, where: str) -> list[dict[str, Any]]:
        b = self.b
        rows = self.lists.get(list_name)
        if not rows:
            b.skip(where, f"choice list {list_name!r} is not in the choices sheet")
            return []
        used: set[str] = set()
        out = []
        mapping = b.choice_maps.setdefault(code, {})
        for row in rows:
            raw = row.get("name", "")
            at = f"choices list {list_name} ({raw})"
            c_code = b.unique(raw, used, at, prefix="c")
            mapping[raw] = c_code
            out.append(
                {"code": c_code, "label": self.loc(row, "label", at) or {b.default_locale: raw}}
            )
        return out


def parse_xlsform(raw: bytes, kind: str) -> ImportResult:
    """Import an XLSForm; `kind` is xlsx, xls or csv."""
    reader = {"xlsx": read_xlsx, "xls": read_xls, "csv": read_csv}[kind]
    return _Import(reader(raw)).run()
