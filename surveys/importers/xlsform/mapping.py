"""XLSForm (.xlsx with openpyxl, .xls with xlrd, .csv with the csv module).

The survey, choices and settings sheets; `begin group` → sections, question
rows → questions (codes from `name`), `relevant` → display logic,
`label::Language (code)` columns → locales.
"""

import functools
import json
import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...enums import ImportFormat
from ..common import EXTRAS_KEY, Builder, apply_extras, norm_locale, number
from ..report import ImportResult, file_error
from .sheets import READERS, ROW, Sheet
from .types import RowType, row_type, split_column

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
    "calculate": gettext_lazy("a calculation"),
    "hidden": gettext_lazy("a hidden value"),
    "image": gettext_lazy("a photo"),
    "audio": gettext_lazy("an audio recording"),
    "video": gettext_lazy("a video"),
    "file": gettext_lazy("a file upload"),
    "background-audio": gettext_lazy("background audio"),
}
# asked as a short text the respondent types instead of the device capturing it
TYPED_INSTEAD = {
    "geopoint": gettext_lazy("a location: the respondent types it (e.g. latitude and longitude)"),
    "geotrace": gettext_lazy(
        "a location trace: the respondent types it (e.g. the points it passes)"
    ),
    "geoshape": gettext_lazy(
        "a location shape: the respondent types it (e.g. the points around it)"
    ),
    "barcode": gettext_lazy("a barcode: the respondent types its code instead of scanning it"),
}
MEDIA = {"media", "image", "audio", "video", "big-image"}
METADATA = {"start", "end", "today", "deviceid", "phonenumber", "username", "email", "audit"}
METADATA |= {"simserial", "subscriberid", "start-geopoint", "instanceid", "background-geopoint"}
MESSAGE_COLUMNS = {"constraint_message", "required_message", "guidance_hint"}
XFORM_ATTRIBUTES = {"body", "bind", "instance"}  # body::accept, bind::odk:length, …
FROM_FILE = {
    "select_one_from_file": gettext_lazy("choices from a file"),
    "select_multiple_from_file": gettext_lazy("choices from a file"),
    "select_one_external": gettext_lazy("choices from an external file"),
}


def _lang_of(column: str, base: str) -> tuple[str, str] | None:
    """`label::English (en)` (or `label:English`) → ("label", "en"); `label` → ("label", "")."""
    name, lang = split_column(column)
    if not lang or name in XFORM_ATTRIBUTES:
        return column, ""
    m = re.search(r"\(([^)]+)\)\s*$", lang)
    code = (
        norm_locale(m.group(1))
        if m
        else norm_locale(LANGUAGE_NAMES.get(lang.strip().lower(), lang))
    )
    return (name, code) if code else None


def _stand_in(sheets: dict[str, Sheet]) -> str | None:
    """The one sheet that has type and name columns, when no sheet is named survey."""
    named = [n for n, rows in sheets.items() if rows and {"type", "name"} <= set(rows[0])]
    return named[0] if len(named) == 1 and named[0] not in ("choices", "settings") else None


class _Import:
    def __init__(self, sheets: dict[str, Sheet]) -> None:
        self.survey: Sheet = sheets.get("survey") or []
        stand_in = _stand_in(sheets) if not self.survey else None
        if stand_in:
            self.survey = sheets[stand_in]
        if not self.survey and "survey" in sheets and not stand_in:
            raise file_error(
                "no_questions",
                _("The %(sheet)s sheet has no rows: the form is empty.") % {"sheet": "survey"},
            )
        if not self.survey:
            raise file_error(
                "wrong_format",
                _("An XLSForm needs a %(sheet)s sheet with %(type)s and %(name)s columns.")
                % {"sheet": "`survey`", "type": "type", "name": "name"},
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
        if stand_in:
            self.b.approx(
                f"sheet {stand_in}",
                _("no sheet named %(sheet)s: this sheet is read as it") % {"sheet": "survey"},
            )
        columns.discard(ROW)
        for column in sorted(columns):
            if split_column(column)[0] in MEDIA:
                self.b.skip(f"column {column}", _("images, audio and video are not imported"))
            elif column.split("::")[0] in XFORM_ATTRIBUTES:
                self.b.skip(f"column {column}", _("XForm attributes are not imported"))
            elif _lang_of(column, "") is None:
                self.b.skip(
                    f"column {column}",
                    _("language not recognized: use %(form)s") % {"form": "label::Name (code)"},
                )
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
        for row in self.survey:
            i = int(row[ROW])
            raw_type = re.sub(r"\s+", " ", row.get("type", "").strip())
            kind = raw_type.lower().replace("_", " ")
            if kind in ("begin lgroup", "begin looped group"):
                kind = "begin repeat"
            if kind in ("end lgroup", "end looped group"):
                kind = "end repeat"
            name = row.get("name", "")
            where = f"survey row {i} ({name or raw_type})"
            if not raw_type:
                continue
            if kind in ("begin repeat", "end repeat"):
                if kind == "begin repeat":
                    b.approx(where, _("a repeat group is asked once, as a group"))
                kind = kind.replace("repeat", "group")
            if kind == "begin group":
                depth += 1
                if depth > 1:
                    b.approx(where, _("nested group flattened into its section"))
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
            added = self.question(section, row, row_type(raw_type), where)
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
            self.b.skip(f"{where} {EXTRAS_KEY}", _("not valid JSON"))

    def question(
        self, section: dict[str, Any] | None, row: dict[str, str], rtype: RowType, where: str
    ) -> dict[str, Any] | None:
        """Add the question of a row; returns the section it went to (None: not added)."""
        b = self.b
        base = rtype.base
        name = row.get("name", "")
        if base == "note":
            text = self.loc(row, "label", where)
            b.approx(where, _("note shown as the section's description"))
            b.describe(section, text)  # before any section: the next one's
            return None
        if base in METADATA:
            b.skip(where, _("metadata field %(name)s is not collected") % {"name": base})
            return None
        if base in SKIPPED_TYPES or base in FROM_FILE:
            what = SKIPPED_TYPES.get(base) or FROM_FILE[base]
            b.skip(
                where,
                _("%(kind)s (%(what)s) has no TrustPulse question type")
                % {"kind": rtype.spelled, "what": what},
            )
            return None
        code = b.unique(name or "q", b.question_codes, where)
        q: dict[str, Any] = {
            "code": code,
            "type": "short_text",
            "text": self.loc(row, "label", where),
        }
        hint = self.loc(row, "hint", f"{where} hint")
        if hint:
            q["help_text"] = hint
        if row.get("required", "").strip().lower() in TRUE:
            q["required"] = True
        if not self.shape(q, row, rtype, where):
            return None
        for column in ("default", "read_only", "calculation", "trigger", "repeat_count"):
            if row.get(column) and not (
                column == "read_only" and row[column].lower() in ("no", "false")
            ):
                b.skip(
                    f"{where} {column}",
                    _("the %(column)s column is not imported") % {"column": column},
                )
        messages = sorted({split_column(k)[0] for k, v in row.items() if v} & MESSAGE_COLUMNS)
        for column in messages:
            b.skip(
                f"{where} {column}", _("the %(column)s text is not imported") % {"column": column}
            )
        if row.get("constraint") and base not in ("integer", "decimal"):
            b.skip(
                f"{where} constraint", _("constraints other than number bounds are not imported")
            )
        logic = b.logic(row.get("relevant"), f"{where} relevant")
        if logic:
            q["display_logic"] = logic
        self.extras(q, row, where)
        q["text"] = b.fallback(q["text"], code, where)
        if section is None:
            section = self.loose()
        b.add(section, q)
        b.ref(name, code)
        return section

    def shape(self, q: dict[str, Any], row: dict[str, str], rtype: RowType, where: str) -> bool:
        """Type and settings of a question from its row; False (reported) when unsupported."""
        b = self.b
        base = rtype.base
        appearance = row.get("appearance", "").lower()
        if base in ("select_one", "select_multiple", "rank") and rtype.list_name:
            q["type"] = {
                "select_one": "single_choice",
                "select_multiple": "multiple_choice",
                "rank": "ranking",
            }[base]
            q["choices"] = self.choices(q["code"], rtype.list_name, where)
            if rtype.or_other:
                if base == "rank":
                    b.skip(
                        where,
                        _("%(key)s on a rank question is not supported") % {"key": "or_other"},
                    )
                else:
                    q["allow_other"] = True
            if row.get("choice_filter"):
                b.skip(
                    f"{where} choice_filter",
                    _("choice filters are not imported: every choice is shown"),
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
                b.approx(where, _("range parameters not understood: 1 to 10 used"))
                start, end = 1, 10
            q["settings"] = {"min": start, "max": end, "widget": "slider"}
            if step:
                q["settings"]["step"] = step
        elif base == "text":
            q["type"] = "long_text" if "multiline" in appearance else "short_text"
        elif base == "date":
            q["type"] = "date"
        elif base == "datetime":
            q["type"] = "date"
            b.approx(where, _("a date and time became a date (the time of day is not asked)"))
        elif base == "time":
            q["type"] = "short_text"
            b.approx(where, _("a time of day became a short text"))
        elif base == "acknowledge":
            q["type"] = "acknowledgement"
        elif base in TYPED_INSTEAD:
            q["type"] = "short_text"
            b.approx(
                where,
                _("%(kind)s became a short text: %(why)s")
                % {"kind": rtype.spelled, "why": TYPED_INSTEAD[base]},
            )
        else:
            b.skip(where, _("type %(kind)s is not supported") % {"kind": repr(rtype.spelled)})
            return False
        return True

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
                f"{where} constraint",
                _("constraint %(text)s imported only as far as its bounds") % {"text": repr(text)},
            )
        return self.b.bounds(lo, hi, where)

    def choices(self, code: str, list_name: str, where: str) -> list[dict[str, Any]]:
        b = self.b
        rows = self.lists.get(list_name)
        if not rows:
            b.skip(
                where,
                _("choice list %(name)s is not in the %(sheet)s sheet")
                % {"name": repr(list_name), "sheet": "choices"},
            )
            return []
        used: set[str] = set()
        out = []
        mapping = b.choice_maps.setdefault(code, {})
        for row in rows:
            raw = row.get("name", "")
            at = f"choices row {row[ROW]} ({list_name} {raw})"
            c_code = b.unique(raw, used, at, prefix="c")
            mapping[raw] = c_code
            out.append({"code": c_code, "label": b.fallback(self.loc(row, "label", at), raw, at)})
        return out


def parse_xlsform(raw: bytes, kind: str) -> ImportResult:
    """Import an XLSForm; `kind` is xlsx, xls or csv."""
    return _Import(READERS[kind](raw)).run()
