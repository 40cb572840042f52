"""Every URL of authoring, with its prefix: the studio home (``/studio/``,
``/studio/<org>/``) and the survey builder (``/studio/<org>/surveys/…``)."""

from django.urls import include, path
from django.views.generic import RedirectView

from .views import (
    branding,
    content,
    editor,
    notices,
    preview,
    publish,
    questions,
    sections,
    studio,
    testing,
)

studio_patterns = [
    path("", studio.studio_home, name="home"),
    path("<slug:org>/", studio.org_home, name="org"),
]

builder_patterns = [
    # The list of surveys is the organization's studio home.
    path("", RedirectView.as_view(pattern_name="studio:org"), name="surveys"),
    path("new/", editor.survey_new, name="survey_new"),
    path("branding/", branding.organization_branding, name="org_branding"),
    path("notices/", notices.notice_list, name="notices"),
    path("notices/new/", notices.notice_new, name="notice_new"),
    path("notices/<slug:slug>/", notices.notice_edit, name="notice"),
    path("notices/<slug:slug>/publish/", notices.notice_publish, name="notice_publish"),
    path("<int:pk>/", editor.survey_edit, name="survey"),
    path("<int:pk>/texts/", editor.survey_texts, name="texts"),
    path("<int:pk>/sections/new/", sections.section_new, name="section_new"),
    path("<int:pk>/sections/<str:code>/", sections.section_edit, name="section"),
    path("<int:pk>/sections/<str:code>/move/", sections.section_move, name="section_move"),
    path("<int:pk>/sections/<str:code>/delete/", sections.section_delete, name="section_delete"),
    path(
        "<int:pk>/sections/<str:section>/questions/new/",
        questions.question_new,
        name="question_new",
    ),
    path("<int:pk>/questions/<str:code>/", questions.question_edit, name="question"),
    path("<int:pk>/questions/<str:code>/move/", questions.question_move, name="question_move"),
    path(
        "<int:pk>/questions/<str:code>/delete/", questions.question_delete, name="question_delete"
    ),
    path("<int:pk>/check/", content.check, name="check"),
    path("<int:pk>/instruments/", content.instruments, name="instruments"),
    path("<int:pk>/preview/", preview.preview, name="preview"),
    path(
        "<int:pk>/preview/<str:locale>/<str:section>/",
        preview.preview_frame,
        name="preview_frame",
    ),
    path("<int:pk>/publish/", publish.publish, name="publish"),
    path("<int:pk>/branding/", branding.survey_branding, name="branding"),
    path("<int:pk>/test/", testing.test_mode, name="test_mode"),
    path("<int:pk>/test/delete/", testing.test_responses_delete, name="test_delete"),
]

urlpatterns = [
    path("studio/", include((studio_patterns, "studio"))),
    path("studio/<slug:org>/surveys/", include((builder_patterns, "builder"))),
]
