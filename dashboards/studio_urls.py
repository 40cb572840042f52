"""Dashboard pages under ``/studio/<org>/dashboards/`` (mounted in trustpulse/urls.py)."""

from django.urls import path

from .views import data, pages

app_name = "dashboards"

urlpatterns = [
    path("", pages.overview, name="overview"),
    path("surveys/<int:survey_id>/", pages.survey_page, name="survey"),
    path("surveys/<int:survey_id>/data/<slug:panel>/", data.panel_data, name="data"),
]
