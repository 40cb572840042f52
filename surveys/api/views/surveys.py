"""Surveys: list, create, read, change, delete, publish, close; their versions."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from trustpulse.api.access import AUTHORING, actor_of, require_scope, survey_for
from trustpulse.api.errors import error_response
from trustpulse.api.schema import READ, WRITE, errors
from trustpulse.api.views import ApiView
from trustpulse.validation import ServiceValidationError

from ...authoring.selectors.authoring import survey_list_annotated, version_list
from ...authoring.services.authoring import survey_delete, survey_new, survey_update
from ...authoring.services.definitions import survey_close, survey_publish
from ...enums import ApiScope
from ...models import Organization, Survey
from ...selectors import Actor
from ..serializers import (
    SurveyCreateSerializer,
    SurveySerializer,
    SurveyUpdateSerializer,
    VersionSerializer,
)


def authoring_organization(actor: Actor, requested: int | None, field: str) -> Organization:
    """The organization a new survey goes to: the key's, or one the member authors in.

    `requested` is needed only by a member who authors in several. An
    organization the caller is not a member of is reported like one that does
    not exist.
    """
    if actor.api_key is not None:
        if requested is not None and requested != actor.api_key.organization_id:
            raise ValidationError({field: ["No such organization."]})
        return actor.api_key.organization
    if requested is not None:
        if requested not in actor.roles:
            raise ValidationError({field: ["No such organization."]})
        if actor.roles[requested] not in AUTHORING:
            raise PermissionDenied("Creating surveys is for admins and authors.")
        return Organization.objects.get(pk=requested)
    authoring = actor.organization_ids(AUTHORING)
    if not authoring:
        raise PermissionDenied("Creating surveys is for admins and authors.")
    if len(authoring) > 1:
        raise ValidationError({field: ["You author in several organizations: say which."]})
    return Organization.objects.get(pk=authoring[0])


def survey_body(request: Request, pk: int) -> dict:
    """The survey as the API shows it (read again, with its draft number)."""
    survey = survey_list_annotated(actor=actor_of(request)).get(pk=pk)
    return SurveySerializer(survey).data


class SurveyCollectionView(ApiView):
    @extend_schema(
        operation_id="surveys_list",
        summary="Surveys of the caller's organizations (members: any role; keys: surveys:read)",
        responses={200: SurveySerializer(many=True), **errors(*READ)},
    )
    def get(self, request: Request) -> Response:
        require_scope(self.actor, ApiScope.SURVEYS_READ)
        return self.paginated(survey_list_annotated(actor=self.actor), SurveySerializer)

    @extend_schema(
        operation_id="surveys_create",
        summary="Create an empty draft survey (admins, authors; keys: surveys:write)",
        request=SurveyCreateSerializer,
        responses={201: SurveySerializer, **errors(*WRITE)},
    )
    def post(self, request: Request) -> Response:
        require_scope(self.actor, ApiScope.SURVEYS_WRITE)
        data = SurveyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organization = authoring_organization(
            self.actor, values.pop("organization", None), "organization"
        )
        survey = survey_new(organization=organization, actor=self.actor.user, **values)
        return Response(survey_body(request, survey.pk), status=status.HTTP_201_CREATED)


class SurveyDetailView(ApiView):
    @extend_schema(
        operation_id="surveys_retrieve",
        summary="One survey",
        responses={200: SurveySerializer, **errors(*READ)},
    )
    def get(self, request: Request, pk: int) -> Response:
        survey = survey_for(request, pk, write=False)
        return Response(survey_body(request, survey.pk))

    @extend_schema(
        operation_id="surveys_partial_update",
        summary="Change a survey's title, locales, dates, quota or consent notice",
        request=SurveyUpdateSerializer,
        responses={200: SurveySerializer, **errors(*WRITE)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        survey = survey_for(request, pk, write=True)
        data = SurveyUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        survey_update(survey=survey, changes=data.validated_data, actor=self.actor.user)
        return Response(survey_body(request, survey.pk))

    @extend_schema(
        operation_id="surveys_destroy",
        summary="Delete a survey that has no responses",
        responses={204: OpenApiResponse(description="Deleted."), **errors(*WRITE, 409)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        survey = survey_for(request, pk, write=True)
        try:
            survey_delete(survey=survey)
        except ServiceValidationError as exc:
            return error_response(exc.errors, status.HTTP_409_CONFLICT)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SurveyPublishView(ApiView):
    @extend_schema(
        operation_id="surveys_publish",
        summary="Publish the draft version (checked in full; it becomes the live version)",
        request=None,
        responses={200: SurveySerializer, **errors(*WRITE)},
    )
    def post(self, request: Request, pk: int) -> Response:
        survey = survey_for(request, pk, write=True)
        survey_publish(survey=survey, actor=self.actor.user)
        return Response(survey_body(request, survey.pk))


class SurveyCloseView(ApiView):
    @extend_schema(
        operation_id="surveys_close",
        summary="Close a live survey (it takes no more responses)",
        request=None,
        responses={200: SurveySerializer, **errors(*WRITE)},
    )
    def post(self, request: Request, pk: int) -> Response:
        survey = survey_for(request, pk, write=True)
        survey_close(survey=survey, actor=self.actor.user)
        return Response(survey_body(request, survey.pk))


class VersionListView(ApiView):
    @extend_schema(
        operation_id="surveys_versions_list",
        summary="A survey's versions, newest first (read-only)",
        responses={200: VersionSerializer(many=True), **errors(*READ)},
    )
    def get(self, request: Request, pk: int) -> Response:
        survey: Survey = survey_for(request, pk, write=False)
        return self.paginated(
            version_list(survey=survey), VersionSerializer, live_version_id=survey.live_version_id
        )
