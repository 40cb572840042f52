"""Account pages under /accounts/ (the sign-in page itself is routed in trustpulse/urls.py)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from .views import account

app_name = "account"

urlpatterns = [
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
