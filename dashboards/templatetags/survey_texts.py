"""``{{ survey|survey_title }}``: a survey's title in the reader's language when it has it."""

from typing import Any

from django import template
from django.utils.translation import get_language

from surveys.selectors.texts import localized

register = template.Library()


@register.filter
def survey_title(survey: Any) -> str:
    """The title in the active language (else the survey's default language), or its slug."""
    return localized(survey.title, get_language() or "", survey.default_locale) or survey.slug
