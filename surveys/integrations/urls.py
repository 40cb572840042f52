"""Studio pages of the webhooks under /studio/<org>/integrations/ (admins)."""

from django.urls import path

from . import views

app_name = "integrations"

endpoint = "<int:endpoint_id>/"
urlpatterns = [
    path("", views.index, name="index"),
    path(endpoint, views.detail, name="detail"),
    path(f"{endpoint}test/", views.send_test, name="send_test"),
    path(f"{endpoint}rotate-secret/", views.rotate_secret, name="rotate_secret"),
    path(f"{endpoint}delete/", views.delete, name="delete"),
    path(
        f"{endpoint}deliveries/<int:delivery_id>/redeliver/",
        views.redeliver,
        name="redeliver",
    ),
]
