"""The studio's import page, with its prefix: ``/studio/<slug:org>/import/``."""

from django.urls import include, path

from .views import importers

urlpatterns = [
    path(
        "studio/<slug:org>/import/",
        include(([path("", importers.import_page, name="page")], "importers")),
    ),
]
