"""Studio distribution pages under /studio/<org>/distribute/."""

from django.urls import path

from .views import distribution

app_name = "distribution"

urlpatterns = [
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
