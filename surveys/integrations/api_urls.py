"""API routes of the webhooks, under ``/api/v1/organizations/<org_id>/webhooks/``."""

from django.urls import path

from . import api

endpoint = "<int:pk>/"
urlpatterns = [
    path("", api.WebhookCollectionView.as_view(), name="webhooks"),
    path(endpoint, api.WebhookDetailView.as_view(), name="webhook"),
    path(
        f"{endpoint}rotate-secret/",
        api.WebhookRotateSecretView.as_view(),
        name="webhook-rotate-secret",
    ),
    path(f"{endpoint}test/", api.WebhookTestView.as_view(), name="webhook-test"),
    path(
        f"{endpoint}deliveries/", api.WebhookDeliveryListView.as_view(), name="webhook-deliveries"
    ),
    path(
        f"{endpoint}deliveries/<int:delivery_id>/redeliver/",
        api.WebhookRedeliverView.as_view(),
        name="webhook-redeliver",
    ),
]
