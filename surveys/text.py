"""Texts of definitions and notices, in two kinds.

* **Titles** (a survey's, a section's, a quiz outcome's) are plain text,
  stored as the author wrote them (`plain`): no markup is interpreted, and
  whatever shows them escapes them — templates by autoescaping, the XML
  writer by its serializer. Exports and codebooks carry them as they are.
* **Texts** where the small safe markup subset is allowed (question texts,
  help, choice labels, matrix rows, intro and thanks, outcome texts, notice
  texts) are sanitized on every write (`sanitize`) and stored as that safe
  HTML; pages mark them safe, and writers of plain-text files convert them
  with `surveys.selectors.texts.to_plain` (tags dropped, entities decoded).

This module writes texts; how a stored text reads back (as plain text, in a
locale) is `surveys.selectors.texts`.
"""

import re

import nh3

ALLOWED_TAGS = {"em", "strong", "a", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
# C0/C1 control characters but tab and newline: never part of a title.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def sanitize(value: str) -> str:
    """Reduce `value` to the safe subset; everything else is removed or escaped."""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def sanitize_localized(value: dict | None) -> dict[str, str]:
    return {str(k): sanitize(str(v)) for k, v in (value or {}).items()}


def plain(value: str) -> str:
    """A title as the author wrote it: control characters and outer spaces go, nothing else."""
    return CONTROL_RE.sub("", str(value)).strip()


def plain_localized(value: dict | None) -> dict[str, str]:
    return {str(k): plain(str(v)) for k, v in (value or {}).items()}
