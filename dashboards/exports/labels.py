"""Variable labels that fit a statistical file and stay distinct.

Stata keeps 80 characters of a variable label, SPSS 256 bytes (UTF-8). A
matrix row or choice item is labelled "question: row"; cut at the limit, the
rows of one long question would all share the same label. So the question
part is shortened and the row part kept; where the rows repeat a common
opening (the study's "Using the platform I had concerns about …"), that
opening is dropped from the row part. The full text stays in the codebook.
"""

from collections.abc import Callable, Sequence

from .table import Variable

ELLIPSIS = "…"
STATA_LIMIT = 80  # characters
SPSS_LIMIT = 256  # bytes


def stata_size(s: str) -> int:
    return len(s)


def spss_size(s: str) -> int:
    return len(s.encode("utf-8"))


def _cut(text: str, budget: int, size: Callable[[str], int]) -> str:
    """`text` within `budget`, cut at a word where it can be, with an ellipsis."""
    if size(text) <= budget:
        return text
    out = text
    while out and size(out + ELLIPSIS) > budget:
        out = out[:-1]
    word_end = out.rfind(" ")
    if word_end >= len(out) // 2:
        out = out[:word_end]
    return out.rstrip(" ,;:.-") + ELLIPSIS if out else ""


def _common_opening(texts: Sequence[str]) -> str:
    """The words every text starts with (nothing for fewer than two texts)."""
    if len(texts) < 2:
        return ""
    words = [t.split(" ") for t in texts]
    shared = []
    for column in zip(*words, strict=False):
        if len(set(column)) != 1:
            break
        shared.append(column[0])
    # keep at least one word of each text
    if any(len(w) <= len(shared) for w in words):
        shared = shared[: min(len(w) for w in words) - 1]
    return " ".join(shared) + " " if shared else ""


def _item_part(v: Variable) -> str | None:
    prefix = f"{v.question_text}: "
    if v.item and v.question_text and v.label.startswith(prefix):
        return v.label[len(prefix) :]
    return None


def _group_labels(group: list[Variable], limit: int, size: Callable[[str], int]) -> dict[str, str]:
    """Labels of the items of one question: one shortened question part, the item parts kept."""
    parts = {v.name: _item_part(v) or "" for v in group}
    opening = _common_opening(list(parts.values()))
    sep = size(": ")
    if opening and any(size(p) + sep + 8 > limit for p in parts.values()):
        parts = {n: ELLIPSIS + p[len(opening) :] for n, p in parts.items()}
    room = limit - max(size(p) for p in parts.values()) - sep
    question = _cut(group[0].question_text, room, size) if room >= 8 else ""
    return {n: _cut(f"{question}: {p}" if question else p, limit, size) for n, p in parts.items()}


def stats_labels(
    variables: Sequence[Variable], *, limit: int, size: Callable[[str], int]
) -> dict[str, str]:
    """Variable name → a label within `limit`, distinct wherever the full labels are."""
    labels = {v.name: v.label for v in variables}
    groups: dict[str, list[Variable]] = {}
    for v in variables:
        if size(v.label) > limit and _item_part(v) is not None:
            groups.setdefault(v.question, [])
    for v in variables:
        if v.question in groups and _item_part(v) is not None:
            groups[v.question].append(v)
    for group in groups.values():
        labels.update(_group_labels(group, limit, size))
    for name, label in labels.items():
        labels[name] = _cut(label, limit, size)
    # Last resort: a label still shared by different full labels names its variable.
    full = {v.name: v.label for v in variables}
    seen: dict[str, str] = {}
    for name, label in labels.items():
        other = seen.get(label)
        if other is not None and full[other] != full[name]:
            tag = f" [{name}]"
            labels[name] = _cut(label, limit - size(tag), size) + tag
        seen.setdefault(labels[name], name)
    return labels
