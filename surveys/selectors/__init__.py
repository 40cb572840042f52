"""Selectors: every read of the surveys domain, scoped to the caller's organizations.

Also the read-side types other apps need with them (a version's spec, a
behaviour kind), how stored answer rows read back as values and how a stored
text reads back (plain, in a locale).
"""

from ..answers import values_from_rows
from ..behaviour import BehaviourKind
from ..spec import OTHER, QuestionSpec, VersionSpec
from .access import Actor, actor_for_api_key, actor_for_user
from .behaviour import kinds_for
from .definitions import definition_export, version_question_ids, version_spec
from .surveys import (
    public_survey_get,
    response_list,
    survey_get,
    survey_list,
)
from .texts import in_locale, localized, to_plain

__all__ = [
    "OTHER",
    "Actor",
    "BehaviourKind",
    "QuestionSpec",
    "VersionSpec",
    "definition_export",
    "kinds_for",
    "version_question_ids",
    "version_spec",
    "actor_for_api_key",
    "actor_for_user",
    "public_survey_get",
    "response_list",
    "survey_get",
    "survey_list",
    "values_from_rows",
    "in_locale",
    "localized",
    "to_plain",
]
