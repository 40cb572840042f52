"""Studio pages of the webhooks under /studio/<org>/integrations/ (admins)."""

from django.urls import include, path

from . import views

endpoint = "<int:endpoint_id>/"
integration_patterns = [
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

# The capability writes its own prefix (docs/ARCHITECTURE.md, "URL map").
urlpatterns = [
    path("studio/<slug:org>/integrations/", include((integration_patterns, "integrations"))),
]
