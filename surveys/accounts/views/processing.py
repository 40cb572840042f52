"""The studio's processing page (admins): the workers' backlog of this organization."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from trustpulse.studio import Studio, studio_view

from ...backlog import backlog
from ...enums import Role

ADMIN = frozenset({Role.ADMIN.value})


@studio_view(roles=ADMIN, section="settings")
@require_GET
def processing(request: HttpRequest, studio: Studio) -> HttpResponse:
    """Submissions waiting to be written out and responses waiting for aggregation."""
    organization = studio.organization
    return render(
        request,
        "studio/settings/processing.html",
        {
            "studio": studio,
            "organization": organization,
            "backlog": backlog(organization_ids=[organization.pk]),
            # Staff run the platform: they also see every organization's total.
            "platform": backlog() if request.user.is_staff else None,
        },
    )
