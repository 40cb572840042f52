"""Studio organization settings under /studio/<org>/settings/ (admins)."""

from django.urls import path

from .views import processing, team

app_name = "org_settings"

urlpatterns = [
    path("", team.org_settings, name="index"),
    path("processing/", processing.processing, name="processing"),
]
