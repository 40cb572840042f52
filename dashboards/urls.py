from django.urls import path

from . import api

app_name = "metrics"
urlpatterns = [
    path("surveys/<int:survey_id>/overview/", api.OverviewView.as_view(), name="overview"),
    path("surveys/<int:survey_id>/paradox/", api.ParadoxView.as_view(), name="paradox"),
    path("surveys/<int:survey_id>/trends/", api.TrendsView.as_view(), name="trends"),
    path(
        "surveys/<int:survey_id>/questions/<str:code>/",
        api.DistributionView.as_view(),
        name="distribution",
    ),
]
