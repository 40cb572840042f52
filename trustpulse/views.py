"""The site's front page: what this is, where to sign in, where the API is described."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation


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
            "html_lang": "zh-Hant" if current.lower() == "zh-hant" else "en",
        },
    )
