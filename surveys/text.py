"""Text is plain text with a small safe markup subset, sanitized on every write."""

import nh3

ALLOWED_TAGS = {"em", "strong", "a", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


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


def localized(value: dict | None, locale: str, fallback: str) -> str:
    value = value or {}
    return str(value.get(locale) or value.get(fallback) or next(iter(value.values()), ""))
