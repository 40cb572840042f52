"""URL of the benchmark floor; included under /api/v1/ (see surveys/api/bench.py)."""

from django.urls import path

from .bench import BenchFloorView

urlpatterns = [
    path("bench/floor/", BenchFloorView.as_view(), name="bench-floor"),
]
