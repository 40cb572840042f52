"""The studio's own pages: where a member lands after signing in, and an organization's home.

Each capability adds its pages under ``/studio/<org>/…`` with ``studio_view``
(``trustpulse/studio.py``); navigation entries are in ``surveys/navigation.py``.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from surveys.authoring.selectors.builder import builder_survey_list
from surveys.enums import Role
from surveys.models import Membership
from surveys.selectors.texts import localized
from trustpulse.studio import Studio, studio_view


@login_required
def studio_home(request: HttpRequest) -> HttpResponse:
    """One organization: straight to it. Several: pick one. None: say so."""
    memberships = list(
        Membership.objects.filter(user=request.user)  # type: ignore[misc]
        .select_related("organization")
        .order_by("organization__name")
    )
    if len(memberships) == 1:
        return redirect(reverse("studio:org", kwargs={"org": memberships[0].organization.slug}))
    return render(request, "studio/home.html", {"memberships": memberships})


@studio_view(section="surveys")
def org_home(request: HttpRequest, studio: Studio) -> HttpResponse:
    """The organization's surveys with their status and completed (non-test) responses.

    Authors and admins get links into the builder and a "New survey" button.
    """
    surveys = builder_survey_list(organization=studio.organization)
    rows = [
        {
            "survey": survey,
            "title": localized(survey.title, request.LANGUAGE_CODE, survey.default_locale),
            "public_url": reverse("surveys:landing", kwargs={"slug": survey.slug}),
        }
        for survey in surveys
    ]
    return render(
        request,
        "studio/org_home.html",
        {
            "studio": studio,
            "rows": rows,
            "can_build": studio.role in (Role.ADMIN, Role.AUTHOR),
            "can_brand": studio.role == Role.ADMIN,
        },
    )
