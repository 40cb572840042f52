"""URL of the benchmark floor; included under /api/v1/ when the app is installed."""

from django.urls import path

from .views import BenchFloorView

urlpatterns = [
    path("bench/floor/", BenchFloorView.as_view(), name="bench-floor"),
]
