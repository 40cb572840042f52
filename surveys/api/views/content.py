"""Sections and questions of a survey, addressed by code.

Reads show the working version: the draft if there is one, else the latest.
Writes go to the draft; editing a live survey starts a new draft (a copy of
the live version), and the published version stays as it was.
"""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from trustpulse.api.access import survey_for
from trustpulse.api.schema import READ, WRITE, errors
from trustpulse.api.views import ApiView, body_object

from ...authoring.selectors.authoring import question_list, section_list, working_version
from ...authoring.services.content import (
    question_add,
    question_change,
    question_remove,
    section_add,
    section_change,
    section_remove,
)
from ...models import Survey, SurveyVersion
from ..serializers import (
    QuestionInSerializer,
    QuestionPatchSerializer,
    QuestionSerializer,
    SectionInSerializer,
    SectionSerializer,
)

CODE_NOTE = (
    " Sections and questions are addressed by their codes (stable across versions)."
    " Errors inside the object sent have paths relative to it (`choices[1].label`);"
    " others, e.g. a later question's logic that refers to it, their full definition path."
)


def _working(survey: Survey) -> SurveyVersion:
    version = working_version(survey=survey)
    if version is None:
        raise NotFound("This survey has no version.")
    return version


def _section(version: SurveyVersion, code: str) -> dict[str, Any]:
    section = section_list(version=version).filter(code=code).first()
    if section is None:
        raise NotFound("No such section.")
    return dict(SectionSerializer(section).data)


def _question(version: SurveyVersion, code: str) -> dict[str, Any]:
    question = question_list(version=version).filter(code=code).first()
    if question is None:
        raise NotFound("No such question.")
    return dict(QuestionSerializer(question).data)


class SectionCollectionView(ApiView):
    @extend_schema(
        operation_id="sections_list",
        summary="Sections of the working version (the draft, else the latest version)",
        responses={200: SectionSerializer(many=True), **errors(*READ)},
    )
    def get(self, request: Request, pk: int) -> Response:
        survey = survey_for(request, pk, write=False)
        return self.paginated(section_list(version=_working(survey)), SectionSerializer)

    @extend_schema(
        operation_id="sections_create",
        summary="Add a section to the draft",
        description="A section object of the definition document." + CODE_NOTE,
        request=SectionInSerializer,
        responses={201: SectionSerializer, **errors(*WRITE)},
    )
    def post(self, request: Request, pk: int) -> Response:
        survey = survey_for(request, pk, write=True)
        data = body_object(request)
        position = data.pop("position", None)
        draft, code = section_add(survey=survey, section=data, position=position)
        return Response(_section(draft, code), status=status.HTTP_201_CREATED)


class SectionDetailView(ApiView):
    @extend_schema(
        operation_id="sections_retrieve",
        summary="One section of the working version",
        responses={200: SectionSerializer, **errors(*READ)},
    )
    def get(self, request: Request, pk: int, code: str) -> Response:
        survey = survey_for(request, pk, write=False)
        return Response(_section(_working(survey), code))

    @extend_schema(
        operation_id="sections_partial_update",
        summary="Change a section of the draft (the fields sent replace the old ones)",
        description="`position` moves it." + CODE_NOTE,
        request=SectionInSerializer(partial=True),
        responses={200: SectionSerializer, **errors(*WRITE)},
    )
    def patch(self, request: Request, pk: int, code: str) -> Response:
        survey = survey_for(request, pk, write=True)
        data = body_object(request)
        position = data.pop("position", None)
        draft, new_code = section_change(survey=survey, code=code, changes=data, position=position)
        return Response(_section(draft, new_code))

    @extend_schema(
        operation_id="sections_destroy",
        summary="Remove a section and its questions from the draft",
        responses={204: OpenApiResponse(description="Removed."), **errors(*WRITE)},
    )
    def delete(self, request: Request, pk: int, code: str) -> Response:
        survey = survey_for(request, pk, write=True)
        section_remove(survey=survey, code=code)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SectionQuestionsView(ApiView):
    @extend_schema(
        operation_id="sections_questions_list",
        summary="Questions of one section of the working version",
        responses={200: QuestionSerializer(many=True), **errors(*READ)},
    )
    def get(self, request: Request, pk: int, code: str) -> Response:
        survey = survey_for(request, pk, write=False)
        version = _working(survey)
        _section(version, code)
        return self.paginated(question_list(version=version, section=code), QuestionSerializer)

    @extend_schema(
        operation_id="sections_questions_create",
        summary="Add a question (with its choices) to a section of the draft",
        description="A question object of the definition document." + CODE_NOTE,
        request=QuestionInSerializer,
        responses={201: QuestionSerializer, **errors(*WRITE)},
    )
    def post(self, request: Request, pk: int, code: str) -> Response:
        survey = survey_for(request, pk, write=True)
        data = body_object(request)
        position = data.pop("position", None)
        draft, new_code = question_add(
            survey=survey, section_code=code, question=data, position=position
        )
        return Response(_question(draft, new_code), status=status.HTTP_201_CREATED)


class QuestionCollectionView(ApiView):
    @extend_schema(
        operation_id="questions_list",
        summary="Every question of the working version, in order",
        responses={200: QuestionSerializer(many=True), **errors(*READ)},
    )
    def get(self, request: Request, pk: int) -> Response:
        survey = survey_for(request, pk, write=False)
        return self.paginated(question_list(version=_working(survey)), QuestionSerializer)


class QuestionDetailView(ApiView):
    @extend_schema(
        operation_id="questions_retrieve",
        summary="One question of the working version",
        responses={200: QuestionSerializer, **errors(*READ)},
    )
    def get(self, request: Request, pk: int, code: str) -> Response:
        survey = survey_for(request, pk, write=False)
        return Response(_question(_working(survey), code))

    @extend_schema(
        operation_id="questions_partial_update",
        summary="Change a question of the draft (`choices` are replaced whole)",
        description=(
            "`section` and `position` move it. Its code is fixed once the survey has been"
            " published." + CODE_NOTE
        ),
        request=QuestionPatchSerializer(partial=True),
        responses={200: QuestionSerializer, **errors(*WRITE)},
    )
    def patch(self, request: Request, pk: int, code: str) -> Response:
        survey = survey_for(request, pk, write=True)
        data = body_object(request)
        position = data.pop("position", None)
        section = data.pop("section", None)
        draft, new_code = question_change(
            survey=survey, code=code, changes=data, section_code=section, position=position
        )
        return Response(_question(draft, new_code))

    @extend_schema(
        operation_id="questions_destroy",
        summary="Remove a question from the draft",
        responses={204: OpenApiResponse(description="Removed."), **errors(*WRITE)},
    )
    def delete(self, request: Request, pk: int, code: str) -> Response:
        survey = survey_for(request, pk, write=True)
        question_remove(survey=survey, code=code)
        return Response(status=status.HTTP_204_NO_CONTENT)
