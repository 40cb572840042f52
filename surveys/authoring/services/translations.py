"""Translations that may be out of date: kept on the draft as its texts are edited.

Every localized text of a definition ({"en": …, "zh-Hant": …}) gets a key that
survives moves: list items are named by their ``code`` (sections, questions,
matrix rows) or ``value`` (choices), else by position (quiz outcomes), e.g.
``sections[intro].questions[trust_brand].choices[agree].label``. When an edit
changes a text in the survey's default language and leaves another
language's text of it as it was, that translation is marked out of date
(``SurveyVersion.stale_translations``: {key: [locales]}); editing that
translation clears its mark. A new draft starts with the marks of the
version it copies.
"""

from __future__ import annotations

from typing import Any

from ...models import SurveyVersion

SKIPPED = ("display_logic", "skip_logic", "locales")


def _is_localized(value: Any, locales: set[str]) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and all(k in locales for k in value)
        and all(isinstance(v, str) for v in value.values())
    )


def _item_name(item: Any, index: int) -> str:
    if isinstance(item, dict):
        for key in ("code", "value"):
            if isinstance(item.get(key), str | int) and not isinstance(item.get(key), bool):
                return str(item[key])
    return str(index)


def localized_texts(doc: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Every localized text of a definition document, by a key that survives moves."""
    locales = {str(x) for x in doc.get("locales") or []}
    out: dict[str, dict[str, str]] = {}

    def walk(value: Any, path: str) -> None:
        if _is_localized(value, locales):
            out[path] = {k: str(v) for k, v in value.items()}
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in SKIPPED:
                    walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{_item_name(item, i)}]")

    walk(doc, "")
    return out


def stale_after_edit(
    *,
    before: dict[str, Any],
    after: dict[str, Any],
    stale: dict[str, list[str]],
) -> dict[str, list[str]]:
    """The out-of-date marks once `before` became `after` (both definition documents)."""
    source = str(after.get("default_locale") or "")
    locales = [str(x) for x in after.get("locales") or []]
    old, new = localized_texts(before), localized_texts(after)
    out: dict[str, set[str]] = {}
    for key, texts in new.items():
        was = old.get(key, {})
        marked = set(stale.get(key, [])) & set(locales)
        source_changed = key in old and was.get(source, "") != texts.get(source, "")
        for locale in locales:
            if locale == source:
                continue
            mine = texts.get(locale, "")
            if mine != was.get(locale, "") or not mine.strip():
                marked.discard(locale)  # translated again (or emptied: then it is missing)
            elif source_changed:
                marked.add(locale)
        if marked:
            out[key] = marked
    return {key: sorted(found) for key, found in sorted(out.items())}


def stale_translations_record(
    *, draft: SurveyVersion, before: dict[str, Any], after: dict[str, Any]
) -> None:
    """Keep the draft's out-of-date marks in step with an edit (before → after)."""
    marks = stale_after_edit(before=before, after=after, stale=draft.stale_translations or {})
    if marks != (draft.stale_translations or {}):
        draft.stale_translations = marks
        draft.save(update_fields=["stale_translations"])
