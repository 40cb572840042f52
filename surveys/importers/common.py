"""What every importer shares: codes, texts, locales, the report, logic expressions.

An importer walks its source and feeds a ``Builder``: sections and questions
in the internal definition format (docs/DEFINITIONS.md), each with the source
location it came from. The builder makes codes valid and unique, reduces
labels to the safe markup subset, and records every approximation or skipped
item, so nothing is dropped silently.
"""

import re
from typing import Any

from django.utils.translation import gettext as _

from trustpulse.validation import FieldError, ServiceValidationError

from ..definition import SCHEMA_VERSION
from ..enums import ReportAction
from ..text import sanitize
from .logic import Unsupported, number, parse_logic, to_condition  # noqa: F401 (re-exported)
from .report import ImportResult, NoticeDraft, ReportItem

CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
LOCALE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
MAX_TEXT = 5000
UNSAFE_RE = re.compile(
    r"<\s*(script|style|iframe|object|embed|form|input|svg|math|link|meta)\b"
    r"|\bon[a-z]+\s*=|javascript\s*:",
    re.IGNORECASE,
)
EXTRAS_KEY = "trustpulse"
CHOICE_TYPES = {"single_choice", "multiple_choice", "ranking", "matrix"}
LOCALE_ALIASES = {"zh-t": "zh-Hant", "zh-s": "zh-Hans", "zh-tw": "zh-Hant", "zh-cn": "zh-Hans"}


def make_code(raw: Any, prefix: str = "q") -> str:
    """A valid code from a source name: letters, digits, underscores, a letter first."""
    text = re.sub(r"[^A-Za-z0-9_]+", "_", str(raw or "").strip()).strip("_")
    if not text:
        text = prefix
    if not text[0].isalpha():
        text = f"{prefix}{text}" if text[0].isdigit() else f"{prefix}_{text}"
    return text[:64]


def norm_locale(raw: Any) -> str | None:
    """`EN` → `en`, `pt_BR` → `pt-BR`, `ZH-T` → `zh-Hant`; None when not a locale code."""
    text = str(raw or "").strip().replace("_", "-")
    if not text:
        return None
    alias = LOCALE_ALIASES.get(text.lower())
    if alias:
        return alias
    parts = text.split("-")
    candidate = "-".join([parts[0].lower(), *parts[1:]])
    return candidate if LOCALE_RE.match(candidate) else None


class Builder:
    """Collects the definition and the report while an importer walks its source."""

    def __init__(self, fmt: str, *, default_locale: str = "en") -> None:
        self.format = fmt
        self.items: list[ReportItem] = []
        self.default_locale = default_locale
        self.locales: list[str] = [default_locale]
        self.doc: dict[str, Any] = {}
        self.sections: list[dict[str, Any]] = []
        self.section_codes: set[str] = set()
        self.section_where: dict[str, str] = {}  # section code → where it is in the source
        self.question_where: dict[str, str] = {}  # question code → where it is in the source
        self.question_codes: set[str] = set()
        self.questions: dict[str, dict[str, Any]] = {}  # code → question, in order
        # source reference → (question code, matrix row or None, choice meaning "selected")
        self.refs: dict[str, tuple[str, str | None, str | None]] = {}
        # question code → {source value → choice code}
        self.choice_maps: dict[str, dict[str, str]] = {}
        self.pending_description: dict[str, str] = {}
        self.notice: NoticeDraft | None = None

    # -- the report -------------------------------------------------------------------
    def approx(self, location: str, message: str, **values: Any) -> None:
        """Report an approximation; `values` fill the message's named placeholders."""
        text = message % values if values else message
        self.items.append(
            ReportItem(action=ReportAction.APPROXIMATED, location=location, message=text)
        )

    def skip(self, location: str, message: str, **values: Any) -> None:
        """Report an item left out; `values` fill the message's named placeholders."""
        text = message % values if values else message
        self.items.append(ReportItem(action=ReportAction.SKIPPED, location=location, message=text))

    # -- codes, texts ---------------------------------------------------------------
    def unique(self, raw: Any, used: set[str], location: str, prefix: str = "q") -> str:
        code = make_code(raw, prefix)
        if code == "_other" or not CODE_RE.match(code):
            code = f"{prefix}_{code}".strip("_")[:64]
        base, n = code, 2
        while code in used:
            suffix = f"_{n}"
            code = base[: 64 - len(suffix)] + suffix
            n += 1
        if str(raw) != code:
            self.approx(
                location,
                _("code %(old)s became %(new)s") % {"old": repr(str(raw)[:80]), "new": repr(code)},
            )
        used.add(code)
        if used is self.question_codes:
            self.question_where[code] = location.removesuffix(".name")  # SurveyJS: the element
        return code

    def text(self, value: Any, location: str) -> str:
        """Plain text with the safe markup subset; unsafe markup is reported."""
        raw = "" if value is None else str(value)
        if UNSAFE_RE.search(raw):
            self.approx(location, _("unsafe markup (scripts, styles, handlers) removed"))
        clean = sanitize(raw).strip()
        clean = re.sub(r"\s+", " ", clean)
        if len(clean) > MAX_TEXT:
            self.approx(location, _("text shortened to %(n)s characters") % {"n": MAX_TEXT})
            clean = clean[:MAX_TEXT]
        return clean

    def fallback(self, text: dict[str, str], code: str, where: str) -> dict[str, str]:
        """The text, or the code when the source has none that can be shown (reported)."""
        if text:
            return text
        self.approx(
            where,
            _("no text that can be shown (empty, or only an image or markup): %(code)s is shown")
            % {"code": repr(code)},
        )
        return {self.default_locale: code}

    def localized(self, values: dict[str, Any], location: str) -> dict[str, str]:
        """{locale: text}, keeping only non-empty texts in the survey's locales."""
        out: dict[str, str] = {}
        for locale, value in values.items():
            if locale not in self.locales:
                continue
            clean = self.text(value, location)
            if clean:
                out[locale] = clean
        return out

    # -- structure --------------------------------------------------------------------
    def section(
        self,
        raw_code: Any,
        location: str,
        *,
        title: dict[str, str] | None = None,
        description: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        code = self.unique(raw_code, self.section_codes, location, prefix="s")
        section: dict[str, Any] = {"code": code, "questions": []}
        self.section_where[code] = location
        if title:
            section["title"] = title
        if description:
            section["description"] = description
        self.sections.append(section)
        if self.pending_description:  # display-only text met before any section
            pending, self.pending_description = self.pending_description, {}
            self.describe(section, pending)
        return section

    def texts(self, *, intro: dict[str, str], thanks: dict[str, str]) -> None:
        """The texts shown before and after the questions (when the source has them)."""
        texts = {k: v for k, v in (("intro", intro), ("thanks", thanks)) if v}
        if texts:
            self.doc["texts"] = texts

    def describe(self, section: dict[str, Any] | None, text: dict[str, str]) -> None:
        """Add display-only text to a section's description (or the next section's)."""
        if section is None:
            for locale, value in text.items():
                old = self.pending_description.get(locale)
                self.pending_description[locale] = f"{old}<br><br>{value}" if old else value
            return
        desc = section.setdefault("description", {})
        for locale, value in text.items():
            desc[locale] = f"{desc[locale]}<br><br>{value}" if desc.get(locale) else value
            desc[locale] = desc[locale][:MAX_TEXT]

    def bounds(
        self, lo: int | float | None, hi: int | float | None, where: str
    ) -> tuple[int | float, int | float]:
        """A number question's min and max; missing ones are filled in (and reported)."""
        if lo is not None and hi is not None and lo < hi:
            return lo, hi
        low = lo if lo is not None else 0
        high = hi if hi is not None and hi > low else low + 1000000
        self.approx(
            where,
            _("a number without both bounds: %(low)s to %(high)s used")
            % {"low": low, "high": high},
        )
        return low, high

    def add(self, section: dict[str, Any], question: dict[str, Any]) -> bool:
        """Add a question; one left with too few options is reshaped or left out (reported)."""
        if not self._fit_choices(question):
            return False
        section["questions"].append(question)
        self.questions[question["code"]] = question
        return True

    def _fit_choices(self, q: dict[str, Any]) -> bool:
        if q["type"] not in CHOICE_TYPES:
            return True
        choices = q.get("choices") or []
        if len(choices) >= 2:
            return True
        where = self.question_where.get(q["code"], q["code"])
        rows = (q.get("settings") or {}).get("rows") or []
        if q["type"] == "matrix" and len(choices) == 1 and rows:
            # one column: tick the rows that apply (as Qualtrics' one-point matrices)
            [point] = choices
            q["text"] = {
                k: f"{v} — {point['label'].get(k, point['label'].get(self.default_locale, ''))}"
                for k, v in q["text"].items()
            }
            q["type"] = "multiple_choice"
            q["choices"] = [{"code": r["code"], "label": r["text"]} for r in rows]
            q.pop("settings", None)
            self.approx(where, _("an array with one column became a multiple choice of its rows"))
            return self._fit_choices(q)
        single = q["type"] in ("single_choice", "multiple_choice") and not q.get("allow_other")
        if len(choices) == 1 and single:
            [only] = choices
            q["text"] = {
                k: f"{v} — {only['label'].get(k, only['label'].get(self.default_locale, ''))}"
                for k, v in q["text"].items()
            }
            for key in ("choices", "allow_other", "randomize_choices", "settings"):
                q.pop(key, None)
            q["type"] = "acknowledgement"
            self.approx(where, _("a single option became a tick box (acknowledgement)"))
            return True
        if q["type"] == "matrix":
            left = (
                _("no scale point left to choose from: the question is left out")
                if not choices
                else _("one scale point left to choose from: the question is left out")
            )
        else:
            left = (
                _("no option left to choose from: the question is left out")
                if not choices
                else _("one option left to choose from: the question is left out")
            )
        self.skip(where, left)
        self.question_codes.discard(q["code"])
        return False

    def ref(self, name: str, code: str, item: str | None = None, choice: str | None = None) -> None:
        if code in self.questions:
            self.refs[name] = (code, item, choice)

    # -- logic ------------------------------------------------------------------------
    def logic(
        self, source: Any, location: str, *, bare_refs: bool = False
    ) -> dict[str, Any] | None:
        """The condition of a logic expression, or None (reported) when it cannot map."""
        text = str(source or "").strip()
        if not text or text in ("1", "true", "true()"):
            return None
        try:
            return to_condition(parse_logic(text, bare_refs=bare_refs), self)
        except (Unsupported, KeyError, IndexError, TypeError) as exc:
            self.skip(
                location,
                _("logic %(logic)s not imported (%(reason)s): always shown")
                % {"logic": repr(text[:200]), "reason": exc},
            )
            return None

    def value_for(self, code: str, item: str | None, raw: Any) -> Any:
        """A source literal as the cleaned value the condition compares with."""
        q = self.questions[code]
        qtype = q["type"]
        if qtype in ("single_choice", "multiple_choice", "ranking", "attention_check"):
            mapping = self.choice_maps.get(code, {})
            key = str(raw)
            if key in mapping:
                return mapping[key]
            if key in {c["code"] for c in q.get("choices", [])}:
                return key
            raise Unsupported(
                _("%(value)s is not a choice of %(code)s") % {"value": repr(key), "code": code}
            )
        if qtype in ("scale", "matrix"):
            mapping = self.choice_maps.get(code, {})
            key = str(raw)
            by_code = {c["code"]: c.get("value") for c in q.get("choices", [])}
            if key in mapping:
                return by_code[mapping[key]]
            if key in by_code:
                return by_code[key]
            n = number(raw)
            if n is None:
                raise Unsupported(
                    _("%(value)s is not a point of %(code)s") % {"value": repr(key), "code": code}
                )
            return n
        if qtype in ("number", "nps", "rating"):
            n = number(raw)
            if n is None:
                raise Unsupported(_("%(value)s is not a number") % {"value": repr(raw)})
            return n
        if qtype == "acknowledgement" and str(raw) in self.choice_maps.get(code, {}):
            return True  # the single option that became a tick box
        if qtype in ("yes_no", "acknowledgement"):
            key = str(raw).strip().lower()
            if key in ("y", "yes", "true", "1", "true()"):
                return True
            if key in ("n", "no", "false", "0", "false()"):
                return False
            raise Unsupported(_("%(value)s is not yes or no") % {"value": repr(raw)})
        return str(raw)

    def nothing_left(self, message: str) -> ServiceValidationError:
        """The no_questions refusal, with the report that explains it (one error per item)."""
        errors = [FieldError(field="file", code="no_questions", message=message)]
        errors += [
            FieldError(field=i.location, code=i.action, message=i.message) for i in self.items
        ]
        return ServiceValidationError(errors)

    # -- result -----------------------------------------------------------------------
    def result(self, *, title: dict[str, str], kind: str = "survey") -> ImportResult:
        sections = [s for s in self.sections if s["questions"]]
        for s in self.sections:
            if s["questions"]:
                continue
            where = self.section_where.get(s["code"], s["code"])
            if s.get("description"):
                self.describe(None, s["description"])
                self.approx(where, _("no question to import: its text moves to the next section"))
            elif s.get("title") or s.get("display_logic"):
                self.skip(where, _("no question to import: the section is left out"))
        if self.pending_description and sections:
            self.describe(sections[-1], self.pending_description)
        if not sections:
            raise self.nothing_left(_("The file holds no question that can be imported."))
        if not title:
            title = {self.default_locale: "Imported survey"}
        doc: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "kind": kind,
            "title": title,
            "default_locale": self.default_locale,
            "locales": self.locales,
            **self.doc,
            "sections": sections,
        }
        sources: dict[str, str] = {}
        for si, s in enumerate(sections):
            sources[f"sections[{si}]"] = self.section_where.get(s["code"], s["code"])
            for qi, q in enumerate(s["questions"]):
                where = self.question_where.get(q["code"], q["code"])
                sources[f"sections[{si}].questions[{qi}]"] = where
        return ImportResult(
            format=self.format,
            document=doc,
            items=tuple(self.items),
            notice=self.notice,
            sources=sources,
        )


# -- extras: what a TrustPulse export carries beyond the standard format ----------------


def apply_extras(target: dict[str, Any], extras: Any, skip: tuple[str, ...] = ()) -> None:
    """Restore TrustPulse fields an export stored under the `trustpulse` key."""
    if not isinstance(extras, dict):
        return
    for key, value in extras.items():
        if key in skip:
            continue
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value


def diff(original: dict[str, Any], back: dict[str, Any], skip: str) -> dict[str, Any]:
    """The fields of `original` that `back` (its standard export, imported) lost."""
    out: dict[str, Any] = {k: v for k, v in original.items() if k != skip and back.get(k) != v}
    out.update({k: None for k in back if k != skip and k not in original})
    return out


def extras_of(
    original: dict[str, Any], back: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]], list[list[dict[str, Any]]]]:
    """(survey, per-section, per-question) extras that make an export lossless.

    Matched by code, not position: the import drops what the format cannot hold
    (a draft's section without questions), so `back` may have fewer sections.
    """
    top = diff(original, back, "sections")
    sections, questions = [], []
    back_sections = {bs["code"]: bs for bs in back["sections"]}
    for s in original["sections"]:
        bs = back_sections.get(s["code"], {"questions": []})
        back_questions = {bq["code"]: bq for bq in bs["questions"]}
        sections.append(diff(s, bs, "questions"))
        questions.append([diff(q, back_questions.get(q["code"], {}), "") for q in s["questions"]])
    return top, sections, questions
