"""GET / shows the form (20 fields), POST / saves one row and redirects to /thanks/."""

import json
from pathlib import Path

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import path
from django.utils.html import escape

from .models import FloorResponse

DEFINITION = Path(__file__).resolve().parent.parent / "survey_20q.json"
CODES = [
    q["code"]
    for s in json.loads(DEFINITION.read_text(encoding="utf-8"))["sections"]
    for q in s["questions"]
]


class FloorForm(forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for code in CODES:
            self.fields[code] = forms.CharField(max_length=2000)


def form(request: HttpRequest) -> HttpResponse:
    f = FloorForm(request.POST or None)
    if request.method == "POST" and f.is_valid():
        FloorResponse.objects.create(answers=f.cleaned_data)
        return HttpResponseRedirect("/thanks/")
    token = escape(get_token(request))
    return HttpResponse(
        f'<!doctype html><title>Floor</title><form method="post">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        f"{f.as_p()}<button>Submit</button></form>"
    )


def thanks(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<!doctype html><title>Thanks</title><p>Thank you.</p>")


urlpatterns = [path("", form), path("thanks/", thanks)]
