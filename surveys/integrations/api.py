"""Webhook endpoints over the API: ``/api/v1/organizations/<org_id>/webhooks/`` (admins)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from trustpulse.api.access import MAX_ID
from trustpulse.api.schema import READ, WRITE, errors
from trustpulse.api.views import ApiView

from ..api.views.accounts import administered
from ..models import Organization, WebhookDelivery, WebhookEndpoint
from . import selectors, services
from .serializers import (
    WebhookDeliverySerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointWriteSerializer,
    WebhookSecretSerializer,
)

WHAT = "webhooks"


class _EndpointView(ApiView):
    def organization(self, org_id: int) -> Organization:
        return administered(self.actor, org_id, what=WHAT)

    def endpoint(self, org_id: int, pk: int) -> WebhookEndpoint:
        organization = self.organization(org_id)
        endpoint = (
            selectors.endpoint_get(organization_id=organization.pk, pk=pk) if pk <= MAX_ID else None
        )
        if endpoint is None:
            raise NotFound("No such webhook endpoint.")
        endpoint.organization = organization
        return endpoint


class WebhookCollectionView(_EndpointView):
    @extend_schema(
        operation_id="webhooks_list",
        summary="An organization's webhook endpoints (organization admins)",
        responses={200: WebhookEndpointSerializer(many=True), **errors(*READ)},
    )
    def get(self, request: Request, org_id: int) -> Response:
        organization = self.organization(org_id)
        return self.paginated(
            selectors.endpoint_list(organization_id=organization.pk), WebhookEndpointSerializer
        )

    @extend_schema(
        operation_id="webhooks_create",
        summary="Add a webhook endpoint; the response holds its signing secret, shown this once",
        request=WebhookEndpointWriteSerializer,
        responses={201: WebhookEndpointCreatedSerializer, **errors(*WRITE)},
    )
    def post(self, request: Request, org_id: int) -> Response:
        organization = self.organization(org_id)
        data = WebhookEndpointWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint, secret = services.endpoint_create(
            organization=organization, actor=self.actor.user, **data.validated_data
        )
        body = WebhookEndpointCreatedSerializer(endpoint).data
        body["secret"] = secret
        return Response(body, status=status.HTTP_201_CREATED)


class WebhookDetailView(_EndpointView):
    @extend_schema(
        operation_id="webhooks_retrieve",
        summary="One webhook endpoint",
        responses={200: WebhookEndpointSerializer, **errors(*READ)},
    )
    def get(self, request: Request, org_id: int, pk: int) -> Response:
        return Response(WebhookEndpointSerializer(self.endpoint(org_id, pk)).data)

    @extend_schema(
        operation_id="webhooks_update",
        summary="Change a webhook endpoint (any of its fields; audit-logged)",
        request=WebhookEndpointWriteSerializer(partial=True),
        responses={200: WebhookEndpointSerializer, **errors(*WRITE)},
    )
    def patch(self, request: Request, org_id: int, pk: int) -> Response:
        endpoint = self.endpoint(org_id, pk)
        data = WebhookEndpointWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.endpoint_update(endpoint=endpoint, actor=self.actor.user, **data.validated_data)
        endpoint.refresh_from_db()
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        operation_id="webhooks_destroy",
        summary="Delete a webhook endpoint and its delivery log",
        responses={204: None, **errors(*READ)},
    )
    def delete(self, request: Request, org_id: int, pk: int) -> Response:
        services.endpoint_delete(endpoint=self.endpoint(org_id, pk), actor=self.actor.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookRotateSecretView(_EndpointView):
    @extend_schema(
        operation_id="webhooks_rotate_secret",
        summary="A new signing secret; the old one also signs until the overlap ends",
        request=None,
        responses={200: WebhookSecretSerializer, **errors(*WRITE)},
    )
    def post(self, request: Request, org_id: int, pk: int) -> Response:
        endpoint = self.endpoint(org_id, pk)
        secret = services.endpoint_secret_rotate(endpoint=endpoint, actor=self.actor.user)
        endpoint.refresh_from_db()
        return Response(
            WebhookSecretSerializer(
                {"secret": secret, "previous_valid_until": endpoint.previous_secret_expires_at}
            ).data
        )


class WebhookTestView(_EndpointView):
    @extend_schema(
        operation_id="webhooks_send_test",
        summary="Send a webhook.test event to this endpoint (see the delivery log)",
        request=None,
        responses={202: WebhookDeliverySerializer, **errors(*WRITE)},
    )
    def post(self, request: Request, org_id: int, pk: int) -> Response:
        endpoint = self.endpoint(org_id, pk)
        event = services.endpoint_test_send(endpoint=endpoint, actor=self.actor.user)
        delivery = WebhookDelivery.objects.select_related("event").get(
            event=event, endpoint=endpoint
        )
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class WebhookDeliveryListView(_EndpointView):
    @extend_schema(
        operation_id="webhooks_deliveries",
        summary="The endpoint's delivery log, newest first",
        responses={200: WebhookDeliverySerializer(many=True), **errors(*READ)},
    )
    def get(self, request: Request, org_id: int, pk: int) -> Response:
        endpoint = self.endpoint(org_id, pk)
        return self.paginated(selectors.delivery_list(endpoint=endpoint), WebhookDeliverySerializer)


class WebhookRedeliverView(_EndpointView):
    @extend_schema(
        operation_id="webhooks_redeliver",
        summary="Send a delivery again, with the same event id",
        request=None,
        responses={202: WebhookDeliverySerializer, **errors(*WRITE, 409)},
    )
    def post(self, request: Request, org_id: int, pk: int, delivery_id: int) -> Response:
        endpoint = self.endpoint(org_id, pk)
        delivery = (
            selectors.delivery_list(endpoint=endpoint).filter(pk=delivery_id).first()
            if delivery_id <= MAX_ID
            else None
        )
        if delivery is None:
            raise NotFound("No such delivery.")
        delivery.endpoint = endpoint
        services.delivery_redeliver(delivery=delivery, actor=self.actor.user)
        delivery.refresh_from_db()
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
