"""Reads of research exports, scoped to the caller's organizations and roles."""

from uuid import UUID

from django.db.models import QuerySet

from surveys.enums import Role
from surveys.models import Survey
from surveys.selectors.access import Actor

from ..models import DPRelease, ExportJob

EXPORT_ROLES = {Role.ADMIN.value, Role.RESEARCHER.value}
SETTINGS_EDIT_ROLES = {Role.ADMIN.value, Role.AUTHOR.value}
SETTINGS_READ_ROLES = EXPORT_ROLES | SETTINGS_EDIT_ROLES


def export_list(*, actor: Actor, survey_id: int | None = None) -> QuerySet[ExportJob]:
    """Exports of the organizations where the actor is an admin or a researcher."""
    qs = ExportJob.objects.filter(
        organization_id__in=actor.organization_ids(EXPORT_ROLES)
    ).select_related("survey", "created_by")
    if survey_id is not None:
        qs = qs.filter(survey_id=survey_id)
    return qs.order_by("-created_at")


def export_get_any_role(*, actor: Actor, pk: UUID | str) -> ExportJob | None:
    """An export in any of the actor's organizations (the caller then checks the role)."""
    return (
        ExportJob.objects.filter(organization_id__in=actor.organization_ids(), pk=pk)
        .select_related("survey__organization", "organization", "created_by")
        .first()
    )


def dp_release_list(*, survey: Survey) -> QuerySet[DPRelease]:
    return (
        DPRelease.objects.filter(survey=survey)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )
