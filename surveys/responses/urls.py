"""Every public page a respondent opens, under one namespace (``surveys``): the flow
(``/s/<slug>/…``), channel links and unsubscribe (distribution), receipts and the
portal (consent and rights)."""

from django.urls import path

from surveys.consent.views import consent, portal
from surveys.distribution import views as distribution
from surveys.touchpoints import report_views
from surveys.touchpoints import views as touchpoints

from .views import public

app_name = "surveys"

urlpatterns = [
    path("s/<slug:slug>/", consent.landing, name="landing"),
    path("s/<slug:slug>/notice/", consent.notice, name="notice"),
    path("s/<slug:slug>/declined/", consent.declined, name="declined"),
    path("s/<slug:slug>/p/<str:section>/", public.page, name="page"),
    path("s/<slug:slug>/thanks/", public.thanks, name="thanks"),
    path("s/<slug:slug>/resume/<str:token>/", public.resume, name="resume"),
    path("s/<slug:slug>/test/<str:token>/", consent.test_start, name="test_start"),
    path("brand/<int:pk>/<int:stamp>/logo", public.logo, name="logo"),
    # Distribution: a channel link opens its survey; an invitation's unsubscribe.
    path("l/<str:code>/", distribution.channel_link, name="channel_link"),
    path("u/<str:token>/", distribution.unsubscribe, name="unsubscribe"),
    # The respondent's own pages: the portal token is their only key.
    path("me/<str:token>/", portal.portal, name="portal"),
    path("me/<str:token>/data.json", portal.download, name="portal_download"),
    path("me/<str:token>/withdraw/", portal.withdraw, name="portal_withdraw"),
    path(
        "me/<str:token>/withdraw/<slug:purpose>/",
        portal.withdraw_purpose,
        name="portal_withdraw_purpose",
    ),
    path("me/<str:token>/delete/", portal.delete, name="portal_delete"),
    path("r/<str:token>/receipt/<uuid:receipt_id>/", portal.receipt, name="receipt"),
    path("r/<str:token>/receipt/<uuid:receipt_id>.json", portal.receipt_json, name="receipt_json"),
    # Touchpoints: the email for follow-ups, one-click unsubscribe, the privacy report.
    path("t/email/", touchpoints.email, name="touchpoint_email"),
    path("t/unsubscribe/<str:token>/", touchpoints.unsubscribe, name="touchpoint_unsubscribe"),
    path("t/report/<str:token>/", report_views.report, name="privacy_report"),
    path(
        "t/report/<str:token>/data.json",
        report_views.download,
        name="privacy_report_download",
    ),
    path("t/report/<str:token>/withdraw/", report_views.withdraw, name="privacy_report_withdraw"),
    path("t/report/<str:token>/delete/", report_views.delete, name="privacy_report_delete"),
]
