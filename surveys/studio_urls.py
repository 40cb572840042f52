"""The studio (staff area): ``/studio/`` and ``/studio/<org>/``.

Other capabilities mount their pages under ``/studio/<slug:org>/<area>/`` in
``trustpulse/urls.py``, each with its own URL module.
"""

from django.urls import path

from .views import studio

app_name = "studio"

urlpatterns = [
    path("", studio.studio_home, name="home"),
    path("<slug:org>/", studio.org_home, name="org"),
]
