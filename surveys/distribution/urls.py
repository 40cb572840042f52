"""Every studio URL of distribution, with its prefix: ``/studio/<org>/distribute/…``.

A respondent's links (``/l/<code>/``, ``/u/<token>/``) are with the other
public pages in surveys/responses/urls.py (the ``surveys`` namespace).
"""

from django.urls import include, path

from . import views as distribution

distribution_patterns = [
    path("", distribution.index, name="index"),
    path("<int:survey_id>/", distribution.survey_detail, name="survey"),
    path(
        "<int:survey_id>/links/<int:link_id>/revoke/",
        distribution.link_revoke,
        name="link_revoke",
    ),
    path(
        "<int:survey_id>/links/<int:link_id>/qr.<str:kind>",
        distribution.link_qr,
        name="link_qr",
    ),
    path("<int:survey_id>/invitations/", distribution.invitations, name="invitations"),
    path(
        "<int:survey_id>/invitations/<int:batch_id>/remind/",
        distribution.invitation_remind,
        name="invitation_remind",
    ),
]

urlpatterns = [
    path("studio/<slug:org>/distribute/", include((distribution_patterns, "distribution"))),
]
