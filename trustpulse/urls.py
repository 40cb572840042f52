from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .health import healthz, healthz_backlog
from .views import home

handler400 = "trustpulse.errors.bad_request"
handler403 = "trustpulse.errors.permission_denied"
handler404 = "trustpulse.errors.page_not_found"
handler500 = "trustpulse.errors.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("healthz/backlog", healthz_backlog, name="healthz-backlog"),
    path("admin/", admin.site.urls),
    # Each surveys capability routes its own URLs, prefixes included.
    path("", include("surveys.accounts.urls")),
    path("", include("surveys.authoring.urls")),
    path("", include("surveys.distribution.urls")),
    path("", include("surveys.integrations.urls")),
    path("", include("surveys.importers.urls")),
    path("", include("surveys.touchpoints.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/metrics/", include("dashboards.urls")),
    path("api/v1/events/", include("surveys.api.events_urls")),
    path("api/v1/exports/", include("dashboards.exports.api_urls")),
    path("api/v1/", include("surveys.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        # HTML and its script in two requests: the page needs no inline script (CSP).
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="swagger-ui",
    ),
    path("studio/<slug:org>/dashboards/", include("dashboards.studio_urls")),
    path("transparency/", include("dashboards.reports.public_urls")),
    path("studio/<slug:org>/exports/", include("dashboards.exports.studio_urls")),
    path("", include("surveys.responses.urls")),  # the respondent's public pages
]
