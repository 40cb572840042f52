"""What the respondent pages show: view models built from the spec, in one locale.

Texts of a definition were sanitized when it was saved (``surveys.text``), so
their localized HTML is marked safe here and nowhere else; ``*_plain``
variants (tags stripped, entities decoded) are for attributes and <title>,
where the template escapes them. Titles are plain text as the author wrote
them (``Texts.title``) and, like answers typed by respondents, are always
escaped by the templates.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info, pgettext

from surveys.enums import QuestionType as T
from surveys.selectors.texts import localized, to_plain
from surveys.spec import QuestionSpec


def bcp47(code: str) -> str:
    """A language code as HTML's lang wants it: ``zh-hant`` → ``zh-Hant``."""
    parts = code.replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.title() if len(part) == 4 else part.upper() if len(part) == 2 else part)
    return "-".join(out)


def content_locale(locales: Sequence[str], default: str, language: str | None = None) -> str:
    """The survey locale matching the UI language (case-insensitive), else the default."""
    language = (language or get_language() or "").lower()
    for locale in locales:
        if locale.lower() == language:
            return locale
    base = language.split("-")[0]
    for locale in locales:
        if locale.lower() == base:
            return locale
    return default


@dataclass(frozen=True, kw_only=True)
class LanguageOption:
    code: str  # Django's language code, for set_language
    name: str
    lang: str  # BCP 47, for the lang attribute
    current: bool


def language_options(locales: Sequence[str] | None = None) -> list[LanguageOption]:
    """The UI languages to offer: those a survey has content in (all without one)."""
    current = (get_language() or settings.LANGUAGE_CODE).lower()
    wanted = {loc.lower() for loc in locales} if locales else None
    options = []
    for code, _name in settings.LANGUAGES:
        if wanted is not None and code.lower() not in wanted:
            continue
        info = get_language_info(code)
        options.append(
            LanguageOption(
                code=code, name=info["name_local"], lang=bcp47(code), current=code == current
            )
        )
    return options


class Texts:
    """Localized texts of one version in one locale (with the default as fallback)."""

    def __init__(self, locale: str, fallback: str):
        self.locale, self.fallback = locale, fallback

    def html(self, value: Mapping[str, str] | None) -> SafeString:
        # Sanitized on write (surveys.text.sanitize): em, strong, a, br only.
        return mark_safe(localized(dict(value or {}), self.locale, self.fallback))  # noqa: S308

    def plain(self, value: Mapping[str, str] | None) -> str:
        return to_plain(localized(dict(value or {}), self.locale, self.fallback))

    def title(self, value: Mapping[str, str] | None) -> str:  # plain text: never marked safe
        return localized(dict(value or {}), self.locale, self.fallback)


def join_list(items: Sequence[str]) -> str:
    """Items of a list in running text ("A, B" in English, "A、B" in Chinese)."""
    return pgettext("separator between list items", ", ").join(items)


@dataclass(frozen=True, kw_only=True)
class FeedbackItem:
    question: SafeString
    answers: str
    correct: bool | None  # None: not a scored question
    notes: list[SafeString]
    correct_answers: str


def quiz_feedback(
    items: Sequence[tuple[QuestionSpec, list[Any]]], values: Mapping[str, Any], texts: Texts
) -> list[FeedbackItem]:
    """answers.feedback(...) in display form, with whether each answer was right."""
    out = []
    for q, chosen in items:
        correct_codes = {c.code for c in q.choices if c.is_correct}
        given = values.get(q.code)
        given_set = set(given) if isinstance(given, list) else {given}
        right: bool | None = None
        if q.is_scored:
            right = given_set == correct_codes or (
                q.type == T.SINGLE_CHOICE and given in correct_codes
            )
        out.append(
            FeedbackItem(
                question=texts.html(q.text),
                answers=join_list([texts.plain(c.label) for c in chosen]),
                correct=right,
                notes=[texts.html(c.feedback) for c in chosen if c.feedback],
                correct_answers=join_list(
                    [texts.plain(c.label) for c in q.choices if c.is_correct]
                ),
            )
        )
    return out
