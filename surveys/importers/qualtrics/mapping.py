"""Qualtrics survey files (.qsf, JSON).

Blocks (in survey-flow order) → sections, split at page breaks; survey
elements of type SQ → questions (codes from `DataExportTag`, choice codes `c`
+ the Qualtrics choice id); MC, Matrix (Likert), TE, Slider, RO and NPS
selectors; display logic on earlier questions where it maps; embedded data
is reported (TrustPulse has none).
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ...enums import ImportFormat
from ..common import Builder, make_code, norm_locale, number
from ..report import ImportResult, file_error
from .logic import display_logic

SINGLE = {"SAVR", "SAHR", "SACOL", "DL", "SB"}
MULTIPLE = {"MAVR", "MAHR", "MACOL", "MSB"}


def _ordered(mapping: Any, order: Any) -> list[tuple[str, Any]]:
    if not isinstance(mapping, dict):
        return []
    keys = [str(k) for k in order] if isinstance(order, list) else list(mapping)
    keys += [k for k in mapping if k not in keys]
    return [(k, mapping[k]) for k in keys if k in mapping and isinstance(mapping[k], dict)]


class _Import:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        entry = data.get("SurveyEntry") or {}
        default = norm_locale(entry.get("SurveyLanguage")) or "en"
        self.entry = entry
        elements = data.get("SurveyElements")
        if not isinstance(elements, list):
            raise file_error("invalid", _("A Qualtrics survey needs a list of SurveyElements."))
        self.elements = [e for e in elements if isinstance(e, dict)]
        self.questions = {
            str(e.get("PrimaryAttribute")): e.get("Payload") or {}
            for e in self.elements
            if e.get("Element") == "SQ"
        }
        found: set[str] = set()
        for p in self.questions.values():
            if isinstance(p.get("Language"), dict):
                found.update(str(k) for k in p["Language"])
        extra = sorted({n for n in map(norm_locale, found) if n and n != default})
        self.b = Builder(ImportFormat.QUALTRICS, default_locale=default)
        self.b.locales = [default, *extra]
        self.qid_code: dict[str, str] = {}

    def loc(self, payload: dict[str, Any], get: Any, where: str) -> dict[str, str]:
        """A text of the payload in every language (`get` reads it from a payload)."""
        values = {self.b.default_locale: get(payload)}
        languages = payload.get("Language")
        if isinstance(languages, dict):
            for lang, tr in languages.items():
                locale = norm_locale(lang)
                if locale and locale != self.b.default_locale and isinstance(tr, dict):
                    try:
                        values[locale] = get(tr)
                    except (KeyError, TypeError, AttributeError):
                        continue
        return self.b.localized({k: v for k, v in values.items() if v}, where)

    def run(self) -> ImportResult:
        b = self.b
        blocks: dict[str, dict[str, Any]] = {}
        for e in self.elements:
            if e.get("Element") == "BL":
                payload = e.get("Payload")
                items = payload.values() if isinstance(payload, dict) else payload or []
                for block in items:
                    if isinstance(block, dict) and block.get("ID"):
                        blocks[str(block["ID"])] = block
        flow = next((e.get("Payload") for e in self.elements if e.get("Element") == "FL"), None)
        order: list[str] = []
        if isinstance(flow, dict):
            self.walk(flow.get("Flow") or [], order, "flow")
        for block_id, block in blocks.items():
            if block_id not in order and block.get("Type") != "Trash":
                order.append(block_id)
        for block_id in order:
            block = blocks.get(block_id)
            if block is None:
                continue
            if block.get("Type") == "Trash":
                continue
            self.block(block)
        trash = [b_ for b_ in blocks.values() if b_.get("Type") == "Trash"]
        for t in trash:
            if t.get("BlockElements"):
                b.skip(f"block {t.get('ID')} (trash)", _("questions in the trash are not imported"))
        name = self.entry.get("SurveyName") or ""
        return b.result(title=b.localized({b.default_locale: name}, "SurveyEntry.SurveyName"))

    def walk(self, flow: list[Any], order: list[str], where: str) -> None:
        for i, node in enumerate(flow):
            if not isinstance(node, dict):
                continue
            kind = node.get("Type")
            at = f"{where}[{i}]"
            if kind in ("Block", "Standard") and node.get("ID"):
                order.append(str(node["ID"]))
            elif kind == "EmbeddedData":
                fields = [
                    str(f.get("Field"))
                    for f in node.get("EmbeddedData") or []
                    if isinstance(f, dict)
                ]
                self.b.skip(
                    f"{at} embedded data",
                    _("embedded data fields not imported: %(fields)s"),
                    fields=", ".join(fields),
                )
            elif kind == "Branch":
                self.b.approx(
                    f"{at} branch", _("branch condition not imported: its blocks are always shown")
                )
                self.walk(node.get("Flow") or [], order, at)
            elif kind in ("Randomizer", "BlockRandomizer"):
                subset = number(node.get("SubSet"))
                inner = node.get("Flow") or []
                shown = (
                    _(
                        "the randomizer shows %(n)s of its %(total)s elements in random order:"
                        " all are shown, in order"
                    )
                    % {"n": subset, "total": len(inner)}
                    if subset
                    else _(
                        "the randomizer shows its elements in random order: all are shown, in order"
                    )
                )
                self.b.approx(
                    f"{at} randomizer",
                    shown,
                )
                self.walk(inner, order, at)
            elif kind == "Group":
                self.walk(node.get("Flow") or [], order, at)
            elif kind == "EndSurvey":
                self.b.skip(f"{at} end of survey", _("an early end of survey is not imported"))
            else:
                message = _("survey flow element %(kind)s is not supported")
                self.b.skip(f"{at} {kind}", message, kind=repr(kind))

    def block(self, block: dict[str, Any]) -> None:
        b = self.b
        where = f"block {block.get('ID')}"
        name = block.get("Description") or str(block.get("ID"))
        section = b.section(
            make_code(name, "b"),
            where,
            title=b.localized({b.default_locale: name}, f"{where} description"),
        )
        part = 1
        for el in block.get("BlockElements") or []:
            if not isinstance(el, dict):
                continue
            if el.get("Type") == "Page Break":
                if section["questions"]:
                    part += 1
                    section = b.section(make_code(f"{name}_{part}", "b"), where)
                    b.approx(
                        f"{where} page break",
                        _("page break: the block continues as section %(code)s")
                        % {"code": section["code"]},
                    )
                continue
            if el.get("Type") == "Question":
                self.question(section, str(el.get("QuestionID")))

    def question(self, section: dict[str, Any], qid: str) -> None:
        b = self.b
        p = self.questions.get(qid)
        where = f"question {qid}"
        if p is None:
            b.skip(where, _("the block refers to a question that is not in the file"))
            return
        tag = p.get("DataExportTag") or qid
        where = f"question {qid} ({tag})"
        qtype, selector = p.get("QuestionType"), p.get("Selector")
        text = self.loc(p, lambda x: x.get("QuestionText"), where)
        if qtype == "DB":
            b.approx(where, _("descriptive text shown as the section's description"))
            b.describe(section, text)
            return
        code = b.unique(tag, b.question_codes, where)
        q: dict[str, Any] = {
            "code": code,
            "type": "short_text",
            "text": b.fallback(text, code, where),
        }
        validation = (p.get("Validation") or {}).get("Settings") or {}
        if validation.get("ForceResponse") == "ON":
            q["required"] = True
        if qtype == "MC" and selector in SINGLE | MULTIPLE:
            q["type"] = "single_choice" if selector in SINGLE else "multiple_choice"
            q["choices"] = self.choices(p, code, where)
            if p.get("_other"):
                q["allow_other"] = True
            if selector in ("DL", "SB", "MSB"):
                b.approx(where, _("selector %(kind)s shown as a list of options"), kind=selector)
        elif qtype == "MC" and selector == "NPS":
            q["type"] = "nps"
        elif qtype == "Matrix" and selector == "Likert":
            if not self.matrix_any(section, q, p, where):
                return
        elif qtype == "TE" and selector in ("SL", "ML", "ESTB"):
            q["type"] = "short_text" if selector == "SL" else "long_text"
            content = validation.get("ContentType")
            if content == "ValidNumber":
                valid = validation.get("ValidNumber") or {}
                lo, hi = b.bounds(number(valid.get("Min")), number(valid.get("Max")), where)
                q["type"], q["settings"] = "number", {"min": lo, "max": hi}
            elif content:
                b.approx(where, _("content validation %(kind)s not imported"), kind=content)
        elif qtype == "Slider" and selector in ("HSLIDER", "HBAR", "STAR"):
            self.slider(section, q, p, where)
            return
        elif qtype == "RO":
            q["type"] = "ranking"
            q["choices"] = self.choices(p, code, where)
            if selector not in ("DND", "RB", "TB"):
                message = _("rank order selector %(kind)s shown as drag and drop")
                b.approx(where, message, kind=selector)
        elif qtype == "SBS":
            b.question_codes.discard(code)
            self.side_by_side(section, p, qid, where)
            return
        else:
            b.skip(where, _("question type %(kind)s is not supported"), kind=f"{qtype}/{selector}")
            return
        self.finish(section, q, p, qid, where)

    def side_by_side(
        self, section: dict[str, Any], p: dict[str, Any], qid: str, where: str
    ) -> None:
        """A side-by-side question: each column is a question of its own (over the statements)."""
        b = self.b
        columns = _ordered(p.get("AdditionalQuestions"), None)
        n = len(columns)
        b.approx(
            where,
            ngettext(
                "a side-by-side question became %(n)s question, one per column",
                "a side-by-side question became %(n)s questions, one per column",
                n,
            )
            % {"n": n},
        )
        tag = p.get("DataExportTag") or qid
        statements = len(_ordered(p.get("Choices"), p.get("ChoiceOrder")))
        for k, column in columns:
            if column.get("QuestionType") == "TE" and statements > 1:
                b.approx(
                    f"{where} column {k}",
                    _(
                        "a text box per statement became one text question (the statements are"
                        " not asked one by one)"
                    ),
                )
            text = f"{p.get('QuestionText') or ''} — {column.get('QuestionText') or ''}"
            col = {
                **column,
                "QuestionID": f"{qid}#{k}",
                "DataExportTag": f"{tag}_{k}",
                "Choices": p.get("Choices"),
                "ChoiceOrder": p.get("ChoiceOrder"),
                "QuestionText": text,
            }
            self.questions[col["QuestionID"]] = col
            self.question(section, col["QuestionID"])

    def finish(
        self, section: dict[str, Any], q: dict[str, Any], p: dict[str, Any], qid: str, where: str
    ) -> None:
        """Logic, randomization and what is not imported; then the question is added."""
        b = self.b
        logic = display_logic(b, self.qid_code, p.get("DisplayLogic"), where)
        if logic:
            q["display_logic"] = logic
        randomization = p.get("Randomization")
        if isinstance(randomization, dict) and randomization.get("Type") in ("All", "Advanced"):
            if q.get("choices") and q["type"] != "matrix":
                q["randomize_choices"] = True
                if randomization["Type"] == "Advanced":
                    b.approx(
                        f"{where} randomization", _("advanced randomization: all choices shuffled")
                    )
            else:
                b.skip(
                    f"{where} randomization",
                    _("randomization of this question type is not imported"),
                )
        for key, what in (
            ("DefaultChoices", _("default answers not imported")),
            ("InPageDisplayLogic", _("in-page logic not imported")),
        ):
            if p.get(key):
                b.skip(f"{where} {key}", what)
        if b.add(section, q):
            self.qid_code[qid] = q["code"]
            b.ref(qid, q["code"])

    def choices(self, p: dict[str, Any], code: str, where: str) -> list[dict[str, Any]]:
        b = self.b
        out = []
        mapping = b.choice_maps.setdefault(code, {})
        listed = _ordered(p.get("Choices"), p.get("ChoiceOrder"))
        boxes = [cid for cid, c in listed if c.get("TextEntry") in (True, "true", "on")]
        # one text box on the last option: "other, please specify"; others keep their option
        other = boxes[-1] if boxes and boxes[-1] == listed[-1][0] and len(boxes) == 1 else None
        for cid, c in listed:
            c_code = make_code(cid, "c")
            mapping[cid] = c_code
            label = self.loc(
                p, lambda x, cid=cid: x["Choices"][cid]["Display"], f"{where} choice {cid}"
            )
            at = f"{where} choice {cid}"
            choice: dict[str, Any] = {"code": c_code, "label": b.fallback(label, c_code, at)}
            if c.get("ExclusiveAnswer") and p.get("Selector") in MULTIPLE:
                choice["exclusive"] = True
            if cid == other and p.get("QuestionType") == "MC":
                b.approx(
                    f"{where} choice {cid}",
                    _("a choice with a text box became 'other, please specify'"),
                )
                p["_other"] = True
                continue
            if cid in boxes:
                b.skip(f"{where} choice {cid}", _("the text box of this option is not imported"))
            out.append(choice)
        return out

    def matrix_any(
        self, section: dict[str, Any], q: dict[str, Any], p: dict[str, Any], where: str
    ) -> bool:
        """A Likert matrix; False when it added its questions itself (or was left out)."""
        b = self.b
        sub = p.get("SubSelector")
        if sub not in ("SingleAnswer", "DL", "MultipleAnswer", None):
            b.skip(where, _("a matrix with the %(layout)s layout is not supported"), layout=sub)
            return False
        answers = _ordered(p.get("Answers"), p.get("AnswerOrder"))
        statements = _ordered(p.get("Choices"), p.get("ChoiceOrder"))
        if len(answers) == 1:
            label = self.loc(p, lambda x: x["Answers"][answers[0][0]]["Display"], where)
            q["type"] = "multiple_choice"
            mapping = b.choice_maps.setdefault(q["code"], {})
            q["choices"] = self.statements(p, where, "label", mapping)
            b.approx(
                where,
                _(
                    "a matrix with one scale point (%(label)s): its statements became the"
                    " options of a multiple choice question"
                ),
                label=repr(label.get(b.default_locale, "")),
            )
            return True
        if sub != "MultipleAnswer":
            self.matrix(q, p, where)
            return True
        if len(statements) == 1:
            q["type"] = "multiple_choice"
            q["choices"] = self.answers(p, q["code"], where)
            b.approx(where, _("a matrix with one statement became a multiple choice question"))
            return True
        b.approx(
            where,
            _(
                "a matrix with several answers per statement became %(n)s multiple choice"
                " questions, one per statement"
            )
            % {"n": len(statements)},
        )
        b.question_codes.discard(q["code"])
        for cid, _choice in statements:
            sq = dict(q)
            sq["code"] = b.unique(
                f"{q['code']}_{cid}", b.question_codes, f"{where} statement {cid}"
            )
            label = self.loc(p, lambda x, cid=cid: x["Choices"][cid]["Display"], where)
            sq["text"] = {k: f"{v} — {label.get(k, '')}".strip(" —") for k, v in q["text"].items()}
            sq["type"] = "multiple_choice"
            sq["choices"] = self.answers(p, sq["code"], where)
            b.add(section, sq)
        return False

    def statements(
        self, p: dict[str, Any], where: str, key: str, mapping: dict[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """A matrix's statements (`key` text: rows, label: options); text boxes are reported."""
        b = self.b
        out = []
        for cid, c in _ordered(p.get("Choices"), p.get("ChoiceOrder")):
            at = f"{where} statement {cid}"
            text = self.loc(p, lambda x, cid=cid: x["Choices"][cid]["Display"], at)
            r_code = make_code(cid, "r")
            if mapping is not None:
                mapping[cid] = r_code
            out.append({"code": r_code, key: b.fallback(text, r_code, at)})
            if c.get("TextEntry") in (True, "true", "on"):
                b.skip(at, _("the text box of this statement is not imported"))
        return out

    def answers(self, p: dict[str, Any], code: str, where: str) -> list[dict[str, Any]]:
        """The scale points of a matrix as the options of a multiple choice question."""
        b = self.b
        out = []
        mapping = b.choice_maps.setdefault(code, {})
        for aid, _answer in _ordered(p.get("Answers"), p.get("AnswerOrder")):
            at = f"{where} answer {aid}"
            label = self.loc(p, lambda x, aid=aid: x["Answers"][aid]["Display"], at)
            c_code = make_code(aid, "a")
            mapping[aid] = c_code
            out.append({"code": c_code, "label": b.fallback(label, c_code, at)})
        return out

    def matrix(self, q: dict[str, Any], p: dict[str, Any], where: str) -> None:
        b = self.b
        q["type"] = "matrix"
        recode = p.get("RecodeValues") or {}
        choices = []
        mapping = b.choice_maps.setdefault(q["code"], {})
        for i, (aid, _answer) in enumerate(_ordered(p.get("Answers"), p.get("AnswerOrder")), 1):
            value = number(recode.get(aid, aid))
            if value is None:
                value = i
            at = f"{where} answer {aid}"
            label = self.loc(p, lambda x, aid=aid: x["Answers"][aid]["Display"], at)
            code = make_code(aid, "a")
            mapping[aid] = code
            choices.append(
                {
                    "code": code,
                    "label": b.fallback(label, code, f"{where} answer {aid}"),
                    "value": value,
                }
            )
        q["choices"] = choices[:11]
        if len(choices) > 11:
            b.approx(where, _("more than 11 scale points: only the first 11 kept"))
        q["settings"] = {"rows": self.statements(p, where, "text")}

    def slider(
        self, section: dict[str, Any], q: dict[str, Any], p: dict[str, Any], where: str
    ) -> None:
        b = self.b
        config = p.get("Configuration") or {}
        lo = number(config.get("CSSliderMin", 0))
        hi = number(config.get("CSSliderMax", 100))
        if lo is None or hi is None or hi <= lo:
            b.approx(where, _("slider range not understood: 0 to 100 used"))
            lo, hi = 0, 100
        statements = _ordered(p.get("Choices"), p.get("ChoiceOrder"))
        if len(statements) > 1:
            b.approx(
                where,
                _("a slider with %(n)s statements became %(n)s number questions"),
                n=len(statements),
            )
        b.question_codes.discard(q["code"])
        for cid, _choice in statements or [("1", {})]:
            sq = dict(q)
            if len(statements) > 1:
                sq["code"] = b.unique(f"{q['code']}_{cid}", b.question_codes, where)
                label = self.loc(
                    p, lambda x, cid=cid: x["Choices"][cid]["Display"], f"{where} statement {cid}"
                )
                sq["text"] = {
                    k: f"{v} — {label.get(k, '')}".strip(" —") for k, v in q["text"].items()
                }
            else:
                b.question_codes.add(sq["code"])
            sq["type"] = "number"
            sq["settings"] = {"min": lo, "max": hi, "widget": "slider"}
            b.add(section, sq)
            if len(statements) <= 1:
                self.qid_code[str(p.get("QuestionID"))] = sq["code"]


def parse_qualtrics(data: Any) -> ImportResult:
    """Import a parsed Qualtrics .qsf document."""
    if not isinstance(data, dict) or "SurveyElements" not in data:
        raise file_error("wrong_format", _("This JSON is not a Qualtrics survey (.qsf)."))
    return _Import(data).run()
