"""The site's front page: what this is, where to sign in, where the API is described,
and, when the demo is loaded, links to try its survey and quiz."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation

from surveys.enums import SurveyKind, SurveyStatus
from surveys.models import Survey

# The demo organization's surveys (surveys/demo/seed.py, `manage.py seed_demo`).
DEMO_ORG_SLUG = "acme-privacy"
DEMO_SURVEY_SLUGS = ("privacy-comfort", "privacy-quiz")


def demo_links() -> list[dict[str, str]]:
    """The live demo survey and quiz, when `seed_demo` has loaded them."""
    found = Survey.objects.filter(
        organization__slug=DEMO_ORG_SLUG, slug__in=DEMO_SURVEY_SLUGS, status=SurveyStatus.LIVE
    ).order_by("-kind", "slug")  # the survey, then the quiz
    return [
        {
            "url": reverse("surveys:landing", kwargs={"slug": s.slug}),
            "kind": "quiz" if s.kind == SurveyKind.QUIZ else "survey",
        }
        for s in found
    ]


def home(request: HttpRequest) -> HttpResponse:
    current = translation.get_language() or "en"
    languages = [
        {
            "code": code,
            "lang": "zh-Hant" if code == "zh-hant" else code,
            "name": name,
            "current": current.lower() == code,
        }
        for code, name in settings.LANGUAGES
    ]
    return render(
        request,
        "home.html",
        {
            "languages": languages,
            "next_url": "/",
            "demo": demo_links(),
            "html_lang": "zh-Hant" if current.lower() == "zh-hant" else "en",
        },
    )
