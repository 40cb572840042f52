"""The tables of a LimeSurvey .lss file as rows, and their texts by id and locale.

LimeSurvey 3 keeps texts in the rows themselves (a `language` column), LimeSurvey 4
and later in `*_l10ns` tables: both are read into {id: {field: {locale: text}}}.
"""

from collections import defaultdict
from typing import Any

from ..common import norm_locale, number
from .tables import Row


def table_rows(root: Any, table: str) -> list[Row]:
    """The rows of one table of the file ([] when it has none)."""
    node = root.find(table)
    if node is None:
        return []
    out = []
    for row in node.iterfind("rows/row"):
        out.append({child.tag: (child.text or "") for child in row})
    return out


def texts(
    table: list[Row], key: str, fields: tuple[str, ...]
) -> dict[str, dict[str, dict[str, str]]]:
    """id → field → {locale: text}."""
    out: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for row in table:
        locale = norm_locale(row.get("language"))
        if locale is None:
            continue
        for f in fields:
            if row.get(f):
                out[row.get(key, "")][f][locale] = row[f]
    return out


def answer_rows(root: Any, answers: list[Row]) -> dict[str, list[dict[str, Any]]]:
    """qid → its answers in order: code, order, scale, {locale: text}, assessment."""
    l10n = texts(table_rows(root, "answer_l10ns"), "aid", ("answer",))
    by_q: dict[str, dict[tuple[str, str], dict[str, Any]]] = defaultdict(dict)
    for a in answers:
        key = (a.get("scale_id", "0"), a.get("code", ""))
        entry = by_q[a.get("qid", "")].setdefault(
            key,
            {
                "code": a.get("code", ""),
                "order": int(number(a.get("sortorder")) or 0),
                "scale": a.get("scale_id", "0"),
                "text": {},
                "assessment": a.get("assessment_value"),
            },
        )
        locale = norm_locale(a.get("language"))
        if a.get("answer") and locale:
            entry["text"][locale] = a["answer"]
        if a.get("aid") in l10n:
            entry["text"].update(l10n[a["aid"]]["answer"])
    return {qid: sorted(v.values(), key=lambda e: e["order"]) for qid, v in by_q.items()}
