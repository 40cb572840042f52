"""Public pages: the respondent flow (``/s/<slug>/…``)."""

from django.urls import path

from .views import public

app_name = "surveys"

urlpatterns = [
    path("s/<slug:slug>/", public.landing, name="landing"),
    path("s/<slug:slug>/p/<str:section>/", public.page, name="page"),
    path("s/<slug:slug>/thanks/", public.thanks, name="thanks"),
    path("s/<slug:slug>/resume/<str:token>/", public.resume, name="resume"),
]
