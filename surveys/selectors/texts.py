"""How a stored text reads back: as plain text, in a locale (surveys/text.py writes them).

Pure functions of the stored value; the dashboards and exports read texts
through them too.
"""

import html
import re

BREAK_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
TAG_RE = re.compile(r"<[^>]*>")


def to_plain(sanitized_html: str) -> str:
    """Sanitized markup as plain text: line breaks become spaces, tags go, entities decode.

    Only for texts stored sanitized (see surveys/text.py): a title is
    plain already, and this would take its literal `<…>` for tags.
    """
    without_tags = TAG_RE.sub("", BREAK_RE.sub(" ", sanitized_html))
    return re.sub(r"[ \t]+", " ", html.unescape(without_tags)).strip()


def in_locale(value: dict | None, locale: str) -> str:
    """The text of `value` in `locale`, "" when it has none.

    Language tags compare case-insensitively: Django's active language is
    "zh-hant" while survey texts are keyed "zh-Hant".
    """
    wanted = locale.lower()
    return next((str(v) for k, v in (value or {}).items() if k.lower() == wanted and v), "")


def localized(value: dict | None, locale: str, fallback: str) -> str:
    value = value or {}
    return in_locale(value, locale) or str(value.get(fallback) or next(iter(value.values()), ""))
