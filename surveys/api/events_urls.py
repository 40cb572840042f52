from django.urls import path

from . import events

urlpatterns = [
    path("", events.EventBatchView.as_view(), name="events"),
    path("kinds/", events.EventKindListView.as_view(), name="event-kinds"),
]
