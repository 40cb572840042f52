"""Dashboard pages under ``/studio/<org>/dashboards/`` (mounted in trustpulse/urls.py)."""

from django.urls import path

from .reports import views as reports
from .views import data, pages

app_name = "dashboards"

urlpatterns = [
    path("", pages.overview, name="overview"),
    path("surveys/<int:survey_id>/", pages.survey_page, name="survey"),
    path("surveys/<int:survey_id>/data/<slug:panel>/", data.panel_data, name="data"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/generate/", reports.report_generate_view, name="report_generate"),
    path("reports/publishing/", reports.report_publishing, name="report_publishing"),
    path("reports/<str:label>/", reports.report_detail, name="report"),
    path("reports/<str:label>/pdf/", reports.report_pdf_view, name="report_pdf"),
    path(
        "reports/<str:label>/pdf/<str:language>/",
        reports.report_pdf_view,
        name="report_pdf",
    ),
]
