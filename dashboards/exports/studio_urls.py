"""/studio/<org>/exports/…"""

from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("", views.export_list, name="list"),
    path("new/", views.export_new, name="new"),
    path("<uuid:pk>/", views.export_detail, name="detail"),
    path("surveys/<int:survey_id>/settings/", views.export_settings, name="settings"),
]
