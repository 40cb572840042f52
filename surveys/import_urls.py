"""The studio's import page, mounted at ``/studio/<slug:org>/import/``."""

from django.urls import path

from .views import importers

app_name = "importers"

urlpatterns = [path("", importers.import_page, name="page")]
