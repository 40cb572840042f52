"""Selectors: every read of the surveys domain, scoped to the caller's organizations."""

from .access import Actor, actor_for_api_key, actor_for_user
from .surveys import (
    public_survey_get,
    response_list,
    survey_get,
    survey_list,
)

__all__ = [
    "Actor",
    "actor_for_api_key",
    "actor_for_user",
    "public_survey_get",
    "response_list",
    "survey_get",
    "survey_list",
]
