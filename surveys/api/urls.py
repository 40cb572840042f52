"""The API under /api/v1/ (the metrics API is routed separately, by dashboards)."""

from django.apps import apps
from django.urls import include, path

from .views import accounts, audit, content, definitions, distribution, responses, surveys

app_name = "api"

survey = "surveys/<int:pk>/"
urlpatterns = [
    path("me/", accounts.MeView.as_view(), name="me"),
    path("surveys/", surveys.SurveyCollectionView.as_view(), name="surveys"),
    path("surveys/import/", definitions.DefinitionImportView.as_view(), name="survey-import"),
    path(survey, surveys.SurveyDetailView.as_view(), name="survey"),
    path(f"{survey}publish/", surveys.SurveyPublishView.as_view(), name="survey-publish"),
    path(f"{survey}close/", surveys.SurveyCloseView.as_view(), name="survey-close"),
    path(f"{survey}versions/", surveys.VersionListView.as_view(), name="survey-versions"),
    path(
        f"{survey}definition/",
        definitions.SurveyDefinitionView.as_view(),
        name="survey-definition",
    ),
    path(
        f"{survey}definition/surveyjs/",
        definitions.SurveyJSExportView.as_view(),
        name="survey-definition-surveyjs",
    ),
    path(
        f"{survey}definition/xlsform/",
        definitions.XLSFormExportView.as_view(),
        name="survey-definition-xlsform",
    ),
    path(f"{survey}sections/", content.SectionCollectionView.as_view(), name="sections"),
    path(f"{survey}sections/<slug:code>/", content.SectionDetailView.as_view(), name="section"),
    path(
        f"{survey}sections/<slug:code>/questions/",
        content.SectionQuestionsView.as_view(),
        name="section-questions",
    ),
    path(f"{survey}questions/", content.QuestionCollectionView.as_view(), name="questions"),
    path(f"{survey}questions/<slug:code>/", content.QuestionDetailView.as_view(), name="question"),
    path(f"{survey}responses/", responses.SurveyResponsesView.as_view(), name="survey-responses"),
    path(
        f"{survey}channel-links/",
        distribution.ChannelLinkCollectionView.as_view(),
        name="channel-links",
    ),
    path(
        f"{survey}channel-links/<int:link_id>/revoke/",
        distribution.ChannelLinkRevokeView.as_view(),
        name="channel-link-revoke",
    ),
    path(f"{survey}signed-links/", distribution.SignedLinkView.as_view(), name="signed-links"),
    path(
        f"{survey}invitations/",
        distribution.InvitationCollectionView.as_view(),
        name="invitations",
    ),
    path(
        f"{survey}invitations/<int:batch_id>/remind/",
        distribution.InvitationRemindView.as_view(),
        name="invitation-remind",
    ),
    path("responses/", responses.ResponseListView.as_view(), name="responses"),
    path("responses/<uuid:pk>/", responses.ResponseDetailView.as_view(), name="response"),
    path(
        "organizations/<int:org_id>/audit-events/",
        audit.AuditEventListView.as_view(),
        name="audit-events",
    ),
    path(
        "organizations/<int:org_id>/api-keys/",
        accounts.ApiKeyCollectionView.as_view(),
        name="api-keys",
    ),
    path(
        "organizations/<int:org_id>/api-keys/<int:key_id>/revoke/",
        accounts.ApiKeyRevokeView.as_view(),
        name="api-key-revoke",
    ),
    path("organizations/<int:org_id>/webhooks/", include("surveys.integrations.api_urls")),
]
if apps.is_installed("bench.floor"):
    # The benchmark floor (404 unless BENCH_FLOOR_ENABLED; not in the schema).
    urlpatterns.append(path("", include("bench.floor.urls")))
