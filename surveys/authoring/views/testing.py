"""Test mode: a signed link whose responses are marked test (never in rollups, metrics
or exports), and deleting a survey's test responses in one click."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from surveys.authoring.services import builder as builder_services
from surveys.authoring.services.builder import test_link_token
from surveys.authoring.views.common import BUILDERS, survey_or_404, title_of, url
from surveys.models import Response
from trustpulse.studio import Studio, studio_view


@studio_view(roles=BUILDERS, section="surveys")
@require_GET
def test_mode(request: HttpRequest, studio: Studio, pk: int) -> HttpResponse:
    survey = survey_or_404(studio, pk)
    token = test_link_token(survey=survey)
    link = request.build_absolute_uri(
        reverse("surveys:test_start", kwargs={"slug": survey.slug, "token": token})
    )
    return render(
        request,
        "studio/builder/test_mode.html",
        {
            "studio": studio,
            "survey": survey,
            "survey_title": title_of(survey),
            "link": link,
            "live": survey.live_version_id is not None,
            "tests": Response.objects.filter(survey=survey, is_test=True).count(),
        },
    )


@studio_view(roles=BUILDERS, section="surveys")
@require_POST
def test_responses_delete(request: HttpRequest, studio: Studio, pk: int) -> HttpResponse:
    survey = survey_or_404(studio, pk)
    count = builder_services.test_responses_delete(survey=survey, actor=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        ngettext("%(count)d test response deleted.", "%(count)d test responses deleted.", count)
        % {"count": count},
    )
    return HttpResponseRedirect(url("test_mode", studio, pk=survey.pk))
