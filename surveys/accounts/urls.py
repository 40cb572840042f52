"""Every URL of accounts and team, with its prefix: sign-in, /accounts/…, and the
studio's /studio/<org>/team/… and /studio/<org>/settings/ (organization admins)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views import account, processing, team

account_patterns = [
    path("2fa/", account.two_factor, name="two_factor"),
    path("2fa/verify/", account.two_factor_verify, name="two_factor_verify"),
    path("password/reset/", account.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        account.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("join/<str:token>/", account.join, name="join"),
]

team_patterns = [
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

settings_patterns = [
    path("", team.org_settings, name="index"),
    path("processing/", processing.processing, name="processing"),
]

urlpatterns = [
    path("accounts/login/", account.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include((account_patterns, "account"))),
    path("studio/<slug:org>/team/", include((team_patterns, "team"))),
    path("studio/<slug:org>/settings/", include((settings_patterns, "org_settings"))),
]
