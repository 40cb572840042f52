"""Publishing from the builder: what will be frozen, what changed since the last
version, what still stops it; then one button."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from surveys.authoring.selectors.builder import publish_preview, version_history
from surveys.authoring.services.definitions import survey_publish
from surveys.authoring.views.common import BUILDERS, survey_or_404, title_of, url
from surveys.authoring.views.forms import FormErrors
from trustpulse.studio import Studio, studio_view
from trustpulse.validation import ServiceValidationError


@studio_view(roles=BUILDERS, section="surveys")
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, studio: Studio, pk: int) -> HttpResponse:
    survey = survey_or_404(studio, pk)
    errors = FormErrors()
    if request.method == "POST":
        try:
            version = survey_publish(
                survey=survey,
                actor=request.user,  # type: ignore[arg-type]
            )
        except ServiceValidationError as exc:
            errors.items = exc.errors
        else:
            messages.success(
                request,
                _("Version %(number)s is published and live.") % {"number": version.number},
            )
            return HttpResponseRedirect(url("publish", studio, pk=survey.pk))
    return render(
        request,
        "studio/builder/publish.html",
        {
            "studio": studio,
            "survey": survey,
            "survey_title": title_of(survey),
            "preview": publish_preview(survey=survey),
            "versions": version_history(survey=survey),
            "errors": errors,
        },
        status=400 if errors else 200,
    )
