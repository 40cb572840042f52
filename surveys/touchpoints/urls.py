"""Studio pages of the follow-ups under /studio/<org>/follow-ups/ (authors)."""

from django.urls import include, path

from . import studio_views

follow_up_patterns = [
    path("", studio_views.index, name="index"),
    path("<int:pk>/", studio_views.detail, name="detail"),
    path("<int:pk>/codes/", studio_views.upload_codes, name="upload_codes"),
]

# The capability writes its own prefix (docs/ARCHITECTURE.md, "URL map").
urlpatterns = [
    path("studio/<slug:org>/follow-ups/", include((follow_up_patterns, "follow_ups"))),
]
