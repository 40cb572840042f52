"""Reads of the authoring API: versions, sections, questions, raw responses.

Each takes an object already scoped to the caller (a survey from `survey_get`,
an organization the actor administers) or the actor itself, and returns a
queryset with its related rows loaded, so a list costs the same few queries
whatever its length.
"""

import copy
from typing import Any

from django.db.models import Case, F, OuterRef, Prefetch, QuerySet, Subquery, When

from ...enums import VersionStatus
from ...models import Answer, Choice, Question, Response, Section, Survey, SurveyVersion
from ...selectors.access import Actor
from ...selectors.definitions import definition_export
from ...selectors.surveys import response_list, survey_list


def survey_list_annotated(*, actor: Actor, roles: set[str] | None = None) -> QuerySet[Survey]:
    """`survey_list` with `draft_number` (its draft version's, if any) and `notice_slug`."""
    draft = SurveyVersion.objects.filter(survey=OuterRef("pk"), status=VersionStatus.DRAFT)
    return survey_list(actor=actor, roles=roles).annotate(
        draft_number=Subquery(draft.values("number")[:1]),
        notice_slug=F("consent_notice__slug"),
    )


def working_version(*, survey: Survey) -> SurveyVersion | None:
    """The version reads of the content show: the draft if there is one, else the latest."""
    return (
        SurveyVersion.objects.filter(survey=survey)
        .order_by(
            # The draft (there is at most one) first, then the newest.
            Case(When(status=VersionStatus.DRAFT, then=0), default=1),
            "-number",
        )
        .first()
    )


def version_document(version: SurveyVersion, survey: Survey) -> dict[str, Any]:
    """The definition document of `version` with the survey's current settings, minus slug."""
    doc = copy.deepcopy(definition_export(version=version))
    doc.pop("slug", None)
    doc["title"] = survey.title
    doc["default_locale"] = survey.default_locale
    doc["locales"] = survey.locales
    for key in ("opens_at", "closes_at"):
        value = getattr(survey, key)
        doc[key] = value.isoformat() if value else None
    doc["response_quota"] = survey.response_quota
    return doc


def version_list(*, survey: Survey) -> QuerySet[SurveyVersion]:
    return SurveyVersion.objects.filter(survey=survey).order_by("-number")


def version_get(*, survey: Survey, number: int) -> SurveyVersion | None:
    return (
        version_list(survey=survey)
        .select_related("survey__organization")
        .filter(number=number)
        .first()
    )


def section_list(*, version: SurveyVersion) -> QuerySet[Section]:
    return (
        Section.objects.filter(version=version)
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("position")))
        .order_by("position", "id")
    )


def question_list(*, version: SurveyVersion, section: str | None = None) -> QuerySet[Question]:
    qs = (
        Question.objects.filter(version=version)
        .select_related("section")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position", "id")))
        .order_by("section__position", "position", "id")
    )
    if section is not None:
        qs = qs.filter(section__code=section)
    return qs


def response_list_with_answers(**filters: Any) -> QuerySet[Response]:
    """`response_list` (same arguments) with every response's answers loaded in one query."""
    return response_list(**filters).prefetch_related(
        Prefetch("answers", queryset=Answer.objects.order_by("id"))
    )
