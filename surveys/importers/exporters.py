"""Export a definition to the two open formats: SurveyJS JSON and XLSForm (.xlsx).

Each export is standard SurveyJS / XLSForm that those tools open. What the
format cannot say (construct tags, consent purposes, scale point codes, a
matrix in XLSForm, …) travels in a `trustpulse` property (SurveyJS) or
column (XLSForm) that other tools ignore, so an export imports back into
TrustPulse unchanged. Those extras are computed, not listed: the standard
part is imported again and whatever came back different is stored.
"""

import io
import json
from typing import Any

from ..enums import QuestionType as T
from .common import EXTRAS_KEY, extras_of
from .xlsform import LANGUAGE_NAMES

CODE_NAMES = {v: k.capitalize() for k, v in LANGUAGE_NAMES.items()}


# -- conditions as the formats' expressions -----------------------------------------


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def expression(cond: dict[str, Any], doc_questions: dict[str, dict[str, Any]], *, xls: bool) -> str:
    """A condition as a SurveyJS (`{q}`) or XLSForm (`${q}`) expression."""
    if "all" in cond or "any" in cond:
        key = "all" if "all" in cond else "any"
        joiner = " and " if key == "all" else " or "
        return "(" + joiner.join(expression(c, doc_questions, xls=xls) for c in cond[key]) + ")"
    if "not" in cond:
        inner = expression(cond["not"], doc_questions, xls=xls)
        return f"not({inner})" if xls else f"!({inner})"
    name = cond["question"] + (f".{cond['item']}" if cond.get("item") else "")
    ref = f"${{{name}}}" if xls else f"{{{name}}}"
    op, value = cond["op"], cond.get("value")
    multiple = doc_questions.get(cond["question"], {}).get("type") == T.MULTIPLE_CHOICE
    if op == "answered":
        return f"{ref} != ''" if xls else f"{ref} notempty"
    if op == "not_answered":
        return f"{ref} = ''" if xls else f"{ref} empty"
    if op in ("in", "not_in"):
        values = value if isinstance(value, list) else [value]
        if xls:
            test = "selected" if multiple else None
            parts = [
                f"selected({ref}, {_literal(v)})" if test else f"{ref} = {_literal(v)}"
                for v in values
            ]
            joined = "(" + " or ".join(parts) + ")"
            return joined if op == "in" else f"not{joined}"
        word = "anyof" if op == "in" else "noneof"
        return f"{ref} {word} [{', '.join(_literal(v) for v in values)}]"
    if multiple and op in ("eq", "neq"):
        if xls:
            test = f"selected({ref}, {_literal(value)})"
            return test if op == "eq" else f"not({test})"
        return f"{ref} {'contains' if op == 'eq' else 'notcontains'} {_literal(value)}"
    symbol = {
        "eq": "=",
        "neq": "!=" if xls else "<>",
        "gt": ">",
        "gte": ">=",
        "lt": "<",
        "lte": "<=",
    }[op]
    return f"{ref} {symbol} {_literal(value)}"


def _all_questions(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["code"]: q for s in doc["sections"] for q in s["questions"]}


# -- SurveyJS -----------------------------------------------------------------------


def _sj_text(value: dict[str, str] | None, default: str) -> Any:
    value = value or {}
    if set(value) <= {default}:
        return value.get(default, "")
    out = {"default": value.get(default, "")}
    out.update({k: v for k, v in value.items() if k != default})
    return out


def _sj_element(
    q: dict[str, Any], qs: dict[str, dict[str, Any]], dl: str, quiz: bool
) -> dict[str, Any]:
    t, st = q["type"], q.get("settings", {})
    el: dict[str, Any] = {"name": q["code"], "title": _sj_text(q["text"], dl)}

    def choices(items: list[dict[str, Any]], numeric: bool = False) -> list[dict[str, Any]]:
        return [
            {"value": c.get("value") if numeric else c["code"], "text": _sj_text(c["label"], dl)}
            for c in items
        ]

    if t in (T.SINGLE_CHOICE, T.MULTIPLE_CHOICE, T.ATTENTION_CHECK):
        el["type"] = "checkbox" if t == T.MULTIPLE_CHOICE else "radiogroup"
        el["choices"] = choices(q["choices"])
        if q.get("allow_other"):
            el["showOtherItem"] = True
            if st.get("other_label"):
                el["otherText"] = _sj_text(st["other_label"], dl)
        if q.get("randomize_choices"):
            el["choicesOrder"] = "random"
        if st.get("min_selections"):
            el["minSelectedChoices"] = st["min_selections"]
        if st.get("max_selections"):
            el["maxSelectedChoices"] = st["max_selections"]
        if quiz and q.get("points"):
            correct = [c["code"] for c in q["choices"] if c.get("is_correct")]
            el["correctAnswer"] = correct if t == T.MULTIPLE_CHOICE else (correct or [None])[0]
    elif t == T.SCALE:
        el["type"] = "rating"
        el["rateValues"] = choices(q["choices"], numeric=True)
    elif t == T.NPS:
        el.update(type="rating", rateMin=0, rateMax=10)
    elif t == T.RATING:
        el["type"] = "rating"
    elif t == T.MATRIX:
        el["type"] = "matrix"
        el["columns"] = choices(q["choices"], numeric=True)
        el["rows"] = [
            {"value": r["code"], "text": _sj_text(r["text"], dl)} for r in st.get("rows", [])
        ]
    elif t == T.NUMBER:
        el.update(type="text", inputType="range" if st.get("widget") == "slider" else "number")
        el.update({k: st[k] for k in ("min", "max", "step") if k in st})
    elif t in (T.SHORT_TEXT, T.LONG_TEXT):
        el["type"] = "text" if t == T.SHORT_TEXT else "comment"
        if "max_length" in st:
            el["maxLength"] = st["max_length"]
        if st.get("placeholder"):
            el["placeholder"] = _sj_text(st["placeholder"], dl)
    elif t in (T.YES_NO, T.ACKNOWLEDGEMENT):
        el["type"] = "boolean"
    elif t == T.RANKING:
        el["type"] = "ranking"
        el["choices"] = choices(q["choices"])
    elif t == T.DATE:
        el.update(type="text", inputType="date")
        el.update({k: st[k] for k in ("min", "max") if k in st})
    if t in (T.SCALE, T.NPS):
        if st.get("low_label"):
            el["minRateDescription"] = _sj_text(st["low_label"], dl)
        if st.get("high_label"):
            el["maxRateDescription"] = _sj_text(st["high_label"], dl)
    if q.get("help_text"):
        el["description"] = _sj_text(q["help_text"], dl)
    if q.get("required"):
        el["isRequired"] = True
    if q.get("display_logic"):
        el["visibleIf"] = expression(q["display_logic"], qs, xls=False)
    return el


def _surveyjs_plain(doc: dict[str, Any]) -> dict[str, Any]:
    dl, qs = doc["default_locale"], _all_questions(doc)
    quiz = doc["kind"] == "quiz"
    out: dict[str, Any] = {"title": _sj_text(doc["title"], dl), "locale": dl}
    texts = doc.get("texts", {})
    if texts.get("intro"):
        out["description"] = _sj_text(texts["intro"], dl)
    if texts.get("thanks"):
        out["completedHtml"] = _sj_text(texts["thanks"], dl)
    if quiz and doc.get("outcomes"):
        out["completedHtmlOnCondition"] = [
            {
                "expression": f"{{correctAnswers}} >= {o['min']}"
                f" and {{correctAnswers}} <= {o['max']}",
                "html": _sj_text(
                    {
                        k: f"{v}<br>{o.get('text', {}).get(k, '')}".removesuffix("<br>")
                        for k, v in o["title"].items()
                    },
                    dl,
                ),
            }
            for o in doc["outcomes"]
        ]
    pages = []
    for s in doc["sections"]:
        page: dict[str, Any] = {"name": s["code"]}
        if s.get("title"):
            page["title"] = _sj_text(s["title"], dl)
        if s.get("description"):
            page["description"] = _sj_text(s["description"], dl)
        if s.get("display_logic"):
            page["visibleIf"] = expression(s["display_logic"], qs, xls=False)
        page["elements"] = [_sj_element(q, qs, dl, quiz) for q in s["questions"]]
        pages.append(page)
    out["pages"] = pages
    return out


def definition_to_surveyjs(doc: dict[str, Any]) -> dict[str, Any]:
    """A valid definition as SurveyJS JSON (imports back unchanged)."""
    from .surveyjs import parse_surveyjs

    plain = _surveyjs_plain(doc)
    back = parse_surveyjs(json.loads(json.dumps(plain))).document
    top, sections, questions = extras_of(doc, back)
    if top:
        plain[EXTRAS_KEY] = top
    for page, s_extra, q_extras in zip(plain["pages"], sections, questions, strict=True):
        if s_extra:
            page[EXTRAS_KEY] = s_extra
        for el, q_extra in zip(page["elements"], q_extras, strict=True):
            if q_extra:
                el[EXTRAS_KEY] = q_extra
    return plain


# -- XLSForm ------------------------------------------------------------------------

SURVEY_COLUMNS = ["type", "name", "required", "relevant", "constraint"]
SURVEY_COLUMNS += ["appearance", "parameters", EXTRAS_KEY]


def _lang_column(field: str, locale: str) -> str:
    return f"{field}::{CODE_NAMES.get(locale, locale)} ({locale})"


def _xls_type(q: dict[str, Any], dl: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The columns a question's type writes in its survey row, and its choices (maybe [])."""
    t, st, code = q["type"], q.get("settings", {}), q["code"]
    if t in (T.SINGLE_CHOICE, T.SCALE, T.ATTENTION_CHECK, T.MATRIX):
        return {"type": f"select_one {code}"}, q["choices"]
    if t == T.MULTIPLE_CHOICE:
        return {"type": f"select_multiple {code}"}, q["choices"]
    if t == T.RANKING:
        return {"type": f"rank {code}"}, q["choices"]
    if t == T.YES_NO:
        yes_no = [{"code": "yes", "label": {dl: "Yes"}}, {"code": "no", "label": {dl: "No"}}]
        return {"type": f"select_one {code}"}, yes_no
    if t in (T.NPS, T.RATING):
        parameters = "start=0 end=10 step=1" if t == T.NPS else "start=1 end=5 step=1"
        return {"type": "range", "parameters": parameters}, []
    if t == T.NUMBER and st.get("widget") == "slider":
        parameters = f"start={st['min']} end={st['max']} step={st.get('step', 1)}"
        return {"type": "range", "parameters": parameters}, []
    if t == T.NUMBER:
        return {
            "type": "integer" if st.get("step") == 1 else "decimal",
            "constraint": f". >= {st['min']} and . <= {st['max']}",
        }, []
    if t == T.SHORT_TEXT:
        return {"type": "text"}, []
    if t == T.LONG_TEXT:
        return {"type": "text", "appearance": "multiline"}, []
    if t == T.DATE:
        return {"type": "date"}, []
    if t == T.ACKNOWLEDGEMENT:
        return {"type": "acknowledge"}, []
    return {}, []


def _xls_rows(
    doc: dict[str, Any],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    dl, qs = doc["default_locale"], _all_questions(doc)
    survey: list[dict[str, Any]] = []
    choices: list[dict[str, Any]] = []

    def texts(field: str, value: dict[str, str] | None) -> dict[str, str]:
        return {_lang_column(field, k): v for k, v in (value or {}).items()}

    for s in doc["sections"]:
        group: dict[str, Any] = {
            "type": "begin group",
            "name": s["code"],
            **texts("label", s.get("title")),
        }
        if s.get("display_logic"):
            group["relevant"] = expression(s["display_logic"], qs, xls=True)
        survey.append(group)
        for q in s["questions"]:
            columns, items = _xls_type(q, dl)
            row: dict[str, Any] = {
                "name": q["code"],
                **texts("label", q["text"]),
                **texts("hint", q.get("help_text")),
                **columns,
            }
            for c in items:
                choices.append(
                    {"list_name": q["code"], "name": c["code"], **texts("label", c["label"])}
                )
            if q.get("allow_other"):
                row["type"] += " or_other"
            if q.get("required"):
                row["required"] = "yes"
            if q.get("display_logic"):
                row["relevant"] = expression(q["display_logic"], qs, xls=True)
            survey.append(row)
        survey.append({"type": "end group", "name": ""})
    settings = {
        "form_title": doc["title"].get(dl, ""),
        "form_id": doc.get("slug", "survey"),
        "default_language": f"{CODE_NAMES.get(dl, dl)} ({dl})",
    }
    return survey, choices, settings


def _workbook(
    survey: list[dict[str, Any]], choices: list[dict[str, Any]], settings: dict[str, Any]
) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheets = [("survey", survey, SURVEY_COLUMNS), ("choices", choices, ["list_name", "name"])]
    sheets.append(
        ("settings", [settings], ["form_title", "form_id", "default_language", EXTRAS_KEY])
    )
    first = True
    for title, rows, lead in sheets:
        ws = book.active if first else book.create_sheet()
        first = False
        ws.title = title
        columns = list(lead)
        for row in rows:
            columns += [k for k in row if k not in columns]
        ws.append(columns)
        for row in rows:
            ws.append([row.get(c, "") for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def definition_to_xlsform(doc: dict[str, Any]) -> bytes:
    """A valid definition as an XLSForm workbook (.xlsx; imports back unchanged)."""
    from .xlsform import parse_xlsform

    survey, choices, settings = _xls_rows(doc)
    back = parse_xlsform(_workbook(survey, choices, settings), "xlsx").document
    top, sections, questions = extras_of(doc, back)
    if top:
        settings[EXTRAS_KEY] = json.dumps(top, ensure_ascii=False, sort_keys=True)
    rows = iter(r for r in survey if r["type"] != "end group")
    for s_extra, q_extras in zip(sections, questions, strict=True):
        group = next(rows)
        if s_extra:
            group[EXTRAS_KEY] = json.dumps(s_extra, ensure_ascii=False, sort_keys=True)
        for q_extra in q_extras:
            row = next(rows)
            if q_extra:
                row[EXTRAS_KEY] = json.dumps(q_extra, ensure_ascii=False, sort_keys=True)
    return _workbook(survey, choices, settings)
