"""The studio's import page, with its prefix: ``/studio/<slug:org>/import/``."""

from django.urls import include, path

from . import views

urlpatterns = [
    path(
        "studio/<slug:org>/import/",
        include(([path("", views.import_page, name="page")], "importers")),
    ),
]
