"""LimeSurvey survey structure (.lss): XML, read with defusedxml (no DTDs, no entities).

Both layouts are read: texts inline with a `language` column (LimeSurvey 3)
and texts in `*_l10ns` tables (LimeSurvey 4 and later). Groups → sections,
questions → questions (codes from `title`), subquestions → options or matrix
rows, answers → choices, relevance equations → display logic where they map,
the survey's data-policy notice → a consent notice draft.
"""

from collections import defaultdict
from dataclasses import replace
from typing import Any

from django.utils.translation import gettext as _

from ...enums import ImportFormat
from ..common import Builder, make_code, norm_locale, number
from ..report import ImportResult, file_error
from .notice import survey_texts
from .reading import answer_rows, table_rows, texts
from .tables import (
    CHOICE,
    FIXED_MATRIX,
    LOOKS,
    MAX_CELLS,
    NOT_SUPPORTED,
    SPLIT,
    TEXT,
    USED_ATTRIBUTES,
    Row,
)
from .xml import read_xml


class _Import:
    def __init__(self, root: Any) -> None:
        self.root = root
        surveys = table_rows(root, "surveys")
        self.survey: Row = surveys[0] if surveys else {}
        base = norm_locale(self.survey.get("language")) or None
        langs = [norm_locale(x) for x in self.survey.get("additional_languages", "").split()]
        if base is None:
            found = [norm_locale(e.text) for e in root.iterfind("languages/language")]
            base = next((x for x in found if x), "en")
        self.b = Builder(ImportFormat.LIMESURVEY, default_locale=base)
        self.b.locales = [base, *[x for x in langs if x and x != base]]

    def run(self) -> ImportResult:
        b, root = self.b, self.root
        groups = table_rows(root, "groups")
        questions = table_rows(root, "questions")
        subquestions = table_rows(root, "subquestions")
        answers = table_rows(root, "answers")
        if not groups or not questions:
            raise self.b.nothing_left(_("The LimeSurvey file holds no question groups."))
        g_text = texts(groups, "gid", ("group_name", "description"))
        for gid, fields in texts(
            table_rows(root, "group_l10ns"), "gid", ("group_name", "description")
        ).items():
            g_text[gid].update(fields)
        q_text = texts(questions + subquestions, "qid", ("question", "help"))
        for qid, fields in texts(
            table_rows(root, "question_l10ns"), "qid", ("question", "help")
        ).items():
            q_text[qid].update(fields)
        self.q_text = q_text
        self.answers = answer_rows(root, answers)
        subs: dict[str, list[Row]] = defaultdict(list)
        seen_sub: set[str] = set()
        for s in subquestions:
            if s.get("qid") in seen_sub:
                continue
            seen_sub.add(s.get("qid", ""))
            subs[s.get("parent_qid", "")].append(s)
        self.subs = {
            k: sorted(v, key=lambda r: int(number(r.get("question_order")) or 0))
            for k, v in subs.items()
        }
        self.attributes: dict[str, dict[str, str]] = defaultdict(dict)
        for a in table_rows(root, "question_attributes"):
            self.attributes[a.get("qid", "")][a.get("attribute", "")] = a.get("value", "")
        unique_groups: dict[str, Row] = {}
        for g in groups:
            unique_groups.setdefault(g.get("gid", ""), g)
        unique_qs: dict[str, Row] = {}
        for q in questions:
            if q.get("parent_qid", "0") in ("", "0"):
                unique_qs.setdefault(q.get("qid", ""), q)
        for table, what in (
            ("assessments", _("assessments (scores and their messages) are not imported")),
            ("quota", _("quotas are not imported")),
            (
                "conditions",
                _(
                    "conditions (LimeSurvey 2; the relevance equations are read instead)"
                    " are not imported"
                ),
            ),
        ):
            if table_rows(root, table):
                b.skip(table, what)
        ordered_groups = sorted(
            unique_groups.values(), key=lambda g: int(number(g.get("group_order")) or 0)
        )
        self.title, notice = survey_texts(b, root, self.survey)
        for g in ordered_groups:
            gid = g.get("gid", "")
            where = f"group gid={gid}"
            name = g_text[gid]["group_name"]
            section = b.section(
                make_code(next(iter(name.values()), "") or f"group{gid}", "g"),
                where,
                title=b.localized(name, f"{where} name"),
                description=b.localized(g_text[gid]["description"], f"{where} description"),
            )
            logic = b.logic(g.get("grelevance"), f"{where} relevance", bare_refs=True)
            if logic:
                section["display_logic"] = logic
            qs = [q for q in unique_qs.values() if q.get("gid") == gid]
            for q in sorted(qs, key=lambda r: int(number(r.get("question_order")) or 0)):
                self.question(section, q)
        result = b.result(title=self.title)
        return result if notice is None else replace(result, notice=notice)

    def question(self, section: dict[str, Any], row: Row) -> None:
        b = self.b
        qid, qtype, title = row.get("qid", ""), row.get("type", ""), row.get("title", "")
        where = f"question qid={qid} ({title})"
        text = b.localized(self.q_text[qid]["question"], where)
        if qtype == "X":
            b.approx(where, _("text display (boilerplate) shown as the section's description"))
            b.describe(section, text)
            return
        if qtype in NOT_SUPPORTED:
            message = _("type %(kind)s (%(what)s) has no TrustPulse question type")
            b.skip(where, message, kind=qtype, what=NOT_SUPPORTED[qtype])
            return
        if qtype in SPLIT:
            self.split(section, row, where, b.fallback(text, title or f"q{qid}", where))
            return
        code = b.unique(title or f"q{qid}", b.question_codes, where)
        q: dict[str, Any] = {
            "code": code,
            "type": "short_text",
            "text": b.fallback(text, code, where),
        }
        help_text = b.localized(self.q_text[qid]["help"], f"{where} help")
        if help_text:
            q["help_text"] = help_text
        if row.get("mandatory") == "Y":
            q["required"] = True
        elif row.get("mandatory") == "S":
            b.approx(where, _("soft mandatory (a reminder that can be dismissed) became optional"))
        if not self.shape(q, row, where):
            return
        self.finish(section, q, row, where)

    def shape(self, q: dict[str, Any], row: Row, where: str) -> bool:
        """Type and settings of a question by its LimeSurvey type; False when unsupported."""
        b = self.b
        qid, qtype, code = row.get("qid", ""), row.get("type", ""), q["code"]
        attrs = self.attributes[qid]
        if qtype in CHOICE:
            q["type"] = "single_choice"
            q["choices"] = self.answer_choices(code, qid, where)
            if qtype == "O":
                b.approx(where, _("list with comment: the comment box is not imported"))
            if row.get("other") == "Y":
                q["allow_other"] = True
        elif qtype in ("M", "P"):
            q["type"] = "multiple_choice"
            q["choices"] = self.sub_choices(code, qid, where, selected=True)
            if qtype == "P":
                b.approx(
                    where, _("multiple choice with comments: the comment boxes are not imported")
                )
            if row.get("other") == "Y":
                q["allow_other"] = True
            settings = {}
            for src, dst in (("min_answers", "min_selections"), ("max_answers", "max_selections")):
                n = number(attrs.get(src))
                if n:
                    settings[dst] = int(n)
            if settings:
                q["settings"] = settings
        elif qtype in ("F", "H", "A", "B", "C", "E"):
            self.matrix(q, qid, qtype, where)
        elif qtype == "5":
            q["type"] = "scale"
            q["choices"] = [
                {"code": f"v{i}", "label": {b.default_locale: str(i)}, "value": i}
                for i in range(1, 6)
            ]
            b.choice_maps[code] = {str(i): f"v{i}" for i in range(1, 6)}
        elif qtype == "N":
            q["type"] = "number"
            lo, hi = b.bounds(
                number(attrs.get("min_num_value_n")), number(attrs.get("max_num_value_n")), where
            )
            q["settings"] = {"min": lo, "max": hi}
            if attrs.get("num_value_int_only") == "1":
                q["settings"]["step"] = 1
        elif qtype in TEXT:
            q["type"] = TEXT[qtype]
            n = number(attrs.get("maximum_chars"))
            if n and n > 0:
                q["settings"] = {"max_length": int(min(n, 1000 if qtype == "S" else 20000))}
        elif qtype == "Y":
            q["type"] = "yes_no"
        elif qtype == "G":
            q["type"] = "single_choice"
            q["choices"] = [
                {"code": "F", "label": {b.default_locale: "Female"}},
                {"code": "M", "label": {b.default_locale: "Male"}},
            ]
            message = _("gender question: choices Female and Male, in the default language only")
            b.approx(where, message)
        elif qtype == "R":
            q["type"] = "ranking"
            q["choices"] = self.answer_choices(code, qid, where)
        elif qtype == "D":
            q["type"] = "date"
        else:
            b.skip(where, _("type %(kind)s is not supported"), kind=repr(qtype))
            return False
        return True

    def split(self, section: dict[str, Any], row: Row, where: str, text: dict[str, str]) -> None:
        """A question LimeSurvey asks as a grid of answers, asked as several questions."""
        b = self.b
        qid, qtype, title = row.get("qid", ""), row.get("type", ""), row.get("title", "")
        attrs = self.attributes[qid]
        subs = self.subs.get(qid, [])
        if not subs:
            b.skip(where, _("%(kind)s without subquestions: left out"), kind=SPLIT[qtype][0])
            return
        b.approx(where, _("%(kind)s: %(how)s"), kind=SPLIT[qtype][0], how=SPLIT[qtype][1])
        logic = b.logic(row.get("relevance"), f"{where} relevance", bare_refs=True)
        self.not_imported(row, where)
        rows = [s for s in subs if s.get("scale_id", "0") in ("", "0")]
        parts: list[tuple[str, str, dict[str, str], dict[str, Any]]] = []  # ref, at, text, shape
        if qtype in ("K", "Q"):
            lo, hi = number(attrs.get("min_num_value_n")), number(attrs.get("max_num_value_n"))
            for s in rows:
                sub = s.get("title", "")
                shape: dict[str, Any] = {"type": "short_text"}
                if qtype == "K":
                    at = f"{where} subquestion {sub}"
                    low, high = b.bounds(lo, hi, at)
                    shape = {"type": "number", "settings": {"min": low, "max": high}}
                    if attrs.get("num_value_int_only") == "1":
                        shape["settings"]["step"] = 1
                parts.append(
                    (f"{title}_{sub}", f"{where} subquestion {sub}", self.sub_text(s), shape)
                )
        elif qtype == "1":
            for scale, header in (("0", "dualscale_headerA"), ("1", "dualscale_headerB")):
                label = attrs.get(header) or f"scale {int(scale) + 1}"
                shape = {"type": "matrix", "scale": scale}
                parts.append((f"{title}_{int(scale) + 1}", where, {b.default_locale: label}, shape))
        else:
            columns = [s for s in subs if s.get("scale_id") == "1"]
            shape = {"type": "short_text"}
            if qtype == ":" and attrs.get("multiflexible_checkbox") == "1":
                shape = {"type": "yes_no"}
            elif qtype == ":":
                low = number(attrs.get("multiflexible_min")) or 1
                high = number(attrs.get("multiflexible_max")) or 10
                step = number(attrs.get("multiflexible_step")) or 1
                shape = {"type": "number", "settings": {"min": low, "max": high, "step": step}}
            for r in rows:
                for c in columns:
                    sub = f"{r.get('title', '')}_{c.get('title', '')}"
                    cell = {
                        k: f"{v} — {self.sub_text(c).get(k, '')}"
                        for k, v in self.sub_text(r).items()
                    }
                    parts.append((f"{title}_{sub}", f"{where} subquestion {sub}", cell, shape))
            if len(parts) > MAX_CELLS:
                message = _("%(n)s cells: only the first %(max)s are asked")
                b.skip(where, message, n=len(parts), max=MAX_CELLS)
                parts = parts[:MAX_CELLS]
        for ref, at, part_text, shape in parts:
            code = b.unique(ref, b.question_codes, at)
            q: dict[str, Any] = {
                "code": code,
                "type": shape["type"],
                "text": {k: self.joined(v, part_text, k) for k, v in text.items()},
            }
            if "settings" in shape:
                q["settings"] = dict(shape["settings"])
            if shape["type"] == "matrix":
                self.matrix(q, qid, "F", at, scale=shape["scale"])
            if row.get("mandatory") == "Y":
                q["required"] = True
            if logic:
                q["display_logic"] = dict(logic)
            if b.add(section, q):
                b.ref(ref, code)
                if q["type"] == "matrix":
                    for r in q["settings"]["rows"]:
                        b.ref(f"{title}_{r['code']}", code, r["code"])

    def joined(self, text: str, part: dict[str, str], locale: str) -> str:
        """`question — part` in a locale (the part in the default locale when it has none)."""
        tail = part.get(locale) or part.get(self.b.default_locale, "")
        return f"{text} — {tail}" if tail else text

    def sub_text(self, sub: Row) -> dict[str, str]:
        at = f"subquestion qid={sub.get('qid', '')} ({sub.get('title', '')})"
        text = self.b.localized(self.q_text[sub.get("qid", "")]["question"], at)
        return self.b.fallback(text, sub.get("title", ""), at)

    def not_imported(self, row: Row, where: str) -> None:
        """Report the validation and the attributes a question has that are not imported."""
        b = self.b
        attrs = self.attributes[row.get("qid", "")]
        if row.get("preg", "").strip():
            b.skip(f"{where} validation", _("the regular-expression validation is not imported"))
        unknown = sorted(
            name
            for name, value in attrs.items()
            if name not in USED_ATTRIBUTES and name not in LOOKS and value not in ("", "0")
        )
        if unknown:
            b.skip(f"{where} attributes", _("not imported: %(names)s"), names=", ".join(unknown))

    def finish(self, section: dict[str, Any], q: dict[str, Any], row: Row, where: str) -> None:
        """Relevance, random order and what is not imported; then the question is added."""
        b = self.b
        qid, qtype, title, code = (
            row.get("qid", ""),
            row.get("type", ""),
            row.get("title", ""),
            q["code"],
        )
        attrs = self.attributes[qid]
        logic = b.logic(row.get("relevance"), f"{where} relevance", bare_refs=True)
        if logic:
            q["display_logic"] = logic
        if attrs.get("random_order") == "1" and q.get("choices") and qtype not in "5ABCEFH":
            q["randomize_choices"] = True
        self.not_imported(row, where)
        b.add(section, q)
        b.ref(title, code)
        if q["type"] == "multiple_choice":
            for c in q["choices"]:
                b.ref(f"{title}_{c['code']}", code, None, c["code"])
        if q["type"] == "matrix":
            for r in q["settings"]["rows"]:
                b.ref(f"{title}_{r['code']}", code, r["code"])
        if qtype == "Y":
            b.choice_maps[code] = {}

    def answer_choices(
        self, code: str, qid: str, where: str, scale: str = "0"
    ) -> list[dict[str, Any]]:
        b = self.b
        used: set[str] = set()
        out = []
        mapping = self.b.choice_maps.setdefault(code, {})
        for a in self.answers.get(qid, []):
            if a["scale"] != scale:
                continue
            c_code = b.unique(a["code"], used, f"{where} answer {a['code']}", prefix="c")
            mapping[a["code"]] = c_code
            at = f"{where} answer {a['code']}"
            label = b.localized(a["text"], at)
            out.append({"code": c_code, "label": b.fallback(label, c_code, at)})
        return out

    def sub_choices(
        self, code: str, qid: str, where: str, selected: bool = False
    ) -> list[dict[str, Any]]:
        b = self.b
        used: set[str] = set()
        out = []
        mapping = b.choice_maps.setdefault(code, {})
        for s in self.subs.get(qid, []):
            raw = s.get("title", "")
            c_code = b.unique(raw, used, f"{where} subquestion {raw}", prefix="c")
            mapping[raw] = c_code
            at = f"{where} subquestion {raw}"
            label = b.localized(self.q_text[s.get("qid", "")]["question"], at)
            out.append({"code": c_code, "label": b.fallback(label, c_code, at)})
        return out

    def matrix(self, q: dict[str, Any], qid: str, qtype: str, where: str, scale: str = "0") -> None:
        b = self.b
        q["type"] = "matrix"
        if qtype in ("A", "B"):
            top = 5 if qtype == "A" else 10
            q["choices"] = [
                {"code": f"v{i}", "label": {b.default_locale: str(i)}, "value": i}
                for i in range(1, top + 1)
            ]
            b.choice_maps[q["code"]] = {str(i): f"v{i}" for i in range(1, top + 1)}
        elif qtype in FIXED_MATRIX:
            q["choices"] = [
                {"code": c, "label": {b.default_locale: label}, "value": i}
                for i, (c, label) in enumerate(FIXED_MATRIX[qtype], 1)
            ]
            b.choice_maps[q["code"]] = {c: c for c, _label in FIXED_MATRIX[qtype]}
            message = _(
                "array type %(kind)s: fixed columns, in the default language only, scored 1 to 3"
            )
            b.approx(where, message, kind=qtype)
        else:
            q["choices"] = self.answer_choices(q["code"], qid, where, scale)
            for i, c in enumerate(q["choices"], 1):
                c["value"] = i
            if qtype == "H":
                b.approx(where, _("array by column shown as an array by row"))
        rows = []
        used: set[str] = set()
        for s in self.subs.get(qid, []):
            if s.get("scale_id", "0") not in ("", "0"):
                continue
            raw = s.get("title", "")
            r_code = b.unique(raw, used, f"{where} subquestion {raw}", prefix="r")
            at = f"{where} subquestion {raw}"
            text = b.localized(self.q_text[s.get("qid", "")]["question"], at)
            rows.append({"code": r_code, "text": b.fallback(text, r_code, at)})
        q["settings"] = {"rows": rows}
        if len(q["choices"]) > 11:
            b.approx(where, _("more than 11 columns: only the first 11 kept"))
            q["choices"] = q["choices"][:11]


def parse_limesurvey(raw: bytes) -> ImportResult:
    """Import a LimeSurvey .lss file (XML)."""
    root = read_xml(raw)
    doctype = (root.findtext("LimeSurveyDocType") or "").strip()
    if root.tag != "document" or doctype != "Survey":
        raise file_error("wrong_format", _("This XML is not a LimeSurvey survey structure (.lss)."))
    return _Import(root).run()
