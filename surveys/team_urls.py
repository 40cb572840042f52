"""Studio team pages under /studio/<org>/team/ (admins)."""

from django.urls import path

from .views import team

app_name = "team"

urlpatterns = [
    path("", team.index, name="index"),
    path("members/<int:member_id>/role/", team.member_role, name="member_role"),
    path("members/<int:member_id>/remove/", team.member_remove, name="member_remove"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        team.invitation_revoke,
        name="invitation_revoke",
    ),
    path("api-keys/", team.api_keys, name="api_keys"),
    path("api-keys/<int:key_id>/revoke/", team.api_key_revoke, name="api_key_revoke"),
]
