"""Studio organization settings under /studio/<org>/settings/ (admins)."""

from django.urls import path

from .views import team

app_name = "org_settings"

urlpatterns = [path("", team.org_settings, name="index")]
