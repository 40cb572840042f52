"""What a SurveyJS source is made of: its text keys, element types and item shapes."""

import re
from typing import Any

from django.utils.translation import gettext_lazy

TEXT_KEYS = {
    "title",
    "description",
    "text",
    "html",
    "otherText",
    "noneText",
    "minRateDescription",
    "maxRateDescription",
    "completedHtml",
    "placeholder",
    "placeHolder",
    "labelTrue",
    "labelFalse",
}
CHOICE_TYPES = {"radiogroup": "single_choice", "dropdown": "single_choice"}
CHOICE_TYPES |= {"checkbox": "multiple_choice", "tagbox": "multiple_choice"}
NOT_SUPPORTED = {
    "matrixdynamic": gettext_lazy("a dynamic matrix"),
    "paneldynamic": gettext_lazy("a dynamic panel"),
    "multipletext": gettext_lazy("several text boxes in one question"),
    "file": gettext_lazy("a file upload"),
    "signaturepad": gettext_lazy("a signature"),
    "imagepicker": gettext_lazy("an image picker"),
    "image": gettext_lazy("an image"),
    "expression": gettext_lazy("a calculated value"),
}


# matrixdropdown cell types, and the element each column becomes (per row, or over all rows)
CELL_OVER_ROWS = {"dropdown": "matrix", "radiogroup": "matrix"}
CELL_PER_ROW = {"checkbox": "checkbox", "tagbox": "checkbox", "text": "text"}
CELL_PER_ROW |= {"comment": "comment", "boolean": "boolean", "rating": "rating"}
MAX_CELLS = 60  # questions a matrix of dropdowns may become

BAND_RE = re.compile(r"^\{correctAnswers\}\s*(==|=|>=|>|<=|<)\s*(\d+)$")


def joined(first: Any, second: Any) -> Any:
    """`first — second` for plain or localized (`{"default": …, "de": …}`) strings."""
    if not second:
        return first
    if not first:
        return second
    if isinstance(first, dict) or isinstance(second, dict):
        a = first if isinstance(first, dict) else {"default": first}
        b = second if isinstance(second, dict) else {"default": second}
        fallback = b.get("default") or next(iter(b.values()), "")
        return {k: f"{v} — {b.get(k) or fallback}" for k, v in a.items()}
    return f"{first} — {second}"


def score_band(expression: str, top: int) -> tuple[int, int] | None:
    """`{correctAnswers} >= 2 and {correctAnswers} < 4` → (2, 3); None when not such a band."""
    lo, hi = 0, top
    for part in re.split(r"\s+and\s+", expression.strip(), flags=re.IGNORECASE):
        m = BAND_RE.match(part.strip())
        if m is None:
            return None
        op, n = m.group(1), int(m.group(2))
        if op in ("==", "="):
            lo, hi = max(lo, n), min(hi, n)
        elif op == ">=":
            lo = max(lo, n)
        elif op == ">":
            lo = max(lo, n + 1)
        elif op == "<=":
            hi = min(hi, n)
        else:
            hi = min(hi, n - 1)
    return (lo, hi) if lo <= hi else None


def value_text(item: Any) -> tuple[Any, Any]:
    """(value, text) of a SurveyJS item: `"a"` or `{"value": "a", "text": …}`."""
    if isinstance(item, dict):
        return item.get("value"), item.get("text")
    return item, None


def locales_in(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TEXT_KEYS and isinstance(value, dict):
                found.update(k for k in value if k != "default")
            locales_in(value, found)
    elif isinstance(node, list):
        for item in node:
            locales_in(item, found)
