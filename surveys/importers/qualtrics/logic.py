"""Qualtrics display logic (DisplayLogic on earlier questions) as TrustPulse conditions."""

from typing import Any

from django.utils.translation import gettext as _

from ...enums import QuestionType
from ..common import Builder, make_code, number

OPS = {
    "EqualTo": "eq",
    "NotEqualTo": "neq",
    "GreaterThan": "gt",
    "GreaterThanOrEqual": "gte",
    "LessThan": "lt",
    "LessThanOrEqual": "lte",
}


def display_logic(
    b: Builder, qid_code: dict[str, str], logic: Any, where: str
) -> dict[str, Any] | None:
    """The condition of a question's DisplayLogic, or None (reported) when it cannot map."""
    if not isinstance(logic, dict):
        return None
    at = f"{where} display logic"
    conds: list[tuple[str, dict[str, Any]]] = []
    try:
        for gkey in sorted((k for k in logic if k.isdigit()), key=int):
            group = logic[gkey]
            for ckey in sorted((k for k in group if k.isdigit()), key=int):
                expr = group[ckey]
                conds.append((str(expr.get("Conjuction") or "And"), _expression(b, qid_code, expr)))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        b.skip(at, _("display logic not imported (%(reason)s): always shown") % {"reason": exc})
        return None
    if not conds:
        return None
    result = conds[0][1]
    for conj, cond in conds[1:]:
        key = "any" if conj.lower() == "or" else "all"
        result = {key: [result, cond]}
    return result


def _expression(b: Builder, qid_code: dict[str, str], expr: dict[str, Any]) -> dict[str, Any]:
    if expr.get("LogicType") != "Question":
        raise ValueError(_("%(kind)s logic is not supported") % {"kind": expr.get("LogicType")})
    qid = str(expr.get("QuestionID"))
    code = qid_code.get(qid)
    if code is None:
        raise ValueError(_("%(code)s is not an earlier question") % {"code": qid})
    # q://QID1/SelectableChoice/1 (a matrix adds /answer)
    locator = str(expr.get("ChoiceLocator") or "").split("/")[3:]
    op = expr.get("Operator")
    q = b.questions[code]
    if op in ("Selected", "NotSelected") and len(locator) >= 2:
        cond: dict[str, Any]
        if q["type"] == "acknowledgement":  # a single option that became a tick box
            cond = {"question": code, "op": "eq", "value": True}
        elif q["type"] == "matrix":
            answer = b.choice_maps[code].get(locator[2] if len(locator) > 2 else "")
            points = {c["code"]: c["value"] for c in q["choices"]}
            if answer not in points:
                raise ValueError(
                    _("the matrix answer of %(code)s was not imported") % {"code": qid}
                )
            row = make_code(locator[1], "r")
            cond = {"question": code, "item": row, "op": "eq", "value": points[answer]}
        else:
            choice = b.choice_maps.get(code, {}).get(locator[1])
            if choice is None:
                raise ValueError(
                    _("choice %(choice)s of %(code)s was not imported")
                    % {"choice": locator[1], "code": qid}
                )
            cond = {"question": code, "op": "eq", "value": choice}
        return cond if op == "Selected" else {"not": cond}
    if op in OPS:
        value: Any = number(expr.get("RightOperand"))
        if q["type"] in ("short_text", "long_text") and op in ("EqualTo", "NotEqualTo"):
            value = str(expr.get("RightOperand") or "")
        elif q["type"] not in ("number", "nps"):
            kind = str(QuestionType(q["type"]).label).lower()
            raise ValueError(
                _("%(code)s is a %(type)s question: %(op)s compares numbers")
                % {"code": code, "type": kind, "op": op}
            )
        elif value is None:
            raise ValueError(_("only numbers are compared"))
        return {"question": code, "op": OPS[op], "value": value}
    if op in ("Empty", "NotEmpty"):
        return {"question": code, "op": "answered" if op == "NotEmpty" else "not_answered"}
    raise ValueError(_("operator %(op)s is not supported") % {"op": op})
