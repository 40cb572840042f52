from django.urls import path

from . import api

app_name = "metrics"
urlpatterns = [
    path("surveys/<int:survey_id>/overview/", api.OverviewView.as_view(), name="overview"),
    path("surveys/<int:survey_id>/paradox/", api.ParadoxView.as_view(), name="paradox"),
    path("surveys/<int:survey_id>/funnel/", api.FunnelView.as_view(), name="funnel"),
    path(
        "surveys/<int:survey_id>/policy-reading/",
        api.PolicyReadingView.as_view(),
        name="policy_reading",
    ),
    path("surveys/<int:survey_id>/quiz-scores/", api.QuizScoresView.as_view(), name="quiz_scores"),
    path("surveys/<int:survey_id>/crosstab/", api.CrossTabView.as_view(), name="crosstab"),
    path("surveys/<int:survey_id>/dimensions/", api.DimensionsView.as_view(), name="dimensions"),
    path("surveys/<int:survey_id>/trends/", api.TrendsView.as_view(), name="trends"),
    path(
        "surveys/<int:survey_id>/questions/<str:code>/",
        api.DistributionView.as_view(),
        name="distribution",
    ),
]
