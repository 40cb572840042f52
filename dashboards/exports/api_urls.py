"""/api/v1/exports/…"""

from django.urls import path

from . import api

app_name = "exports-api"
urlpatterns = [
    path("", api.ExportListView.as_view(), name="list"),
    path("<uuid:pk>/", api.ExportDetailView.as_view(), name="detail"),
    path("<uuid:pk>/cancel/", api.ExportCancelView.as_view(), name="cancel"),
    path("<uuid:pk>/download/", api.ExportDownloadView.as_view(), name="download"),
    path("surveys/<int:survey_id>/settings/", api.ExportSettingsView.as_view(), name="settings"),
    path(
        "surveys/<int:survey_id>/dp-releases/", api.DPReleaseListView.as_view(), name="dp-releases"
    ),
]
