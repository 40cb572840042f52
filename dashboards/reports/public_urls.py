"""Published transparency reports: ``/transparency/<org>/`` (mounted in trustpulse/urls.py)."""

from django.urls import path

from . import views

app_name = "transparency"

urlpatterns = [
    path("<slug:org>/", views.public_index, name="index"),
    path("<slug:org>/<str:label>/", views.public_report, name="report"),
    path("<slug:org>/<str:label>/pdf/", views.public_pdf, name="pdf"),
    path("<slug:org>/<str:label>/pdf/<str:language>/", views.public_pdf, name="pdf"),
]
