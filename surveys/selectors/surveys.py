import time
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import post_save
from django.dispatch import receiver

from ..enums import ResponseStatus
from ..models import Response, Survey
from . import flow_cache
from .access import Actor


def survey_list(*, actor: Actor, roles: set[str] | None = None) -> QuerySet[Survey]:
    """Surveys of the actor's organizations (only those where it has `roles`)."""
    return (
        Survey.objects.filter(organization_id__in=actor.organization_ids(roles))
        .select_related("organization", "live_version")
        .order_by("-created_at", "-id")
    )


def survey_get(*, actor: Actor, pk: int, roles: set[str] | None = None) -> Survey | None:
    """One survey of the actor's organizations (a plain primary-key read: no ordering).

    The live version's snapshot (the whole frozen definition) is loaded only when
    used: `version_spec` builds a published version's spec once per process.
    """
    return (
        Survey.objects.filter(pk=pk, organization_id__in=actor.organization_ids(roles))
        .select_related("organization", "live_version")
        .defer("live_version__snapshot")
        .order_by()
        .first()
    )


# The submission path's survey lookups, per process: (organization ids, pk) → (read at, survey).
# Emptied by any save of a survey in this process; other processes see a change (closing,
# a new live version) within SUBMISSION_SURVEY_SECONDS.
SUBMISSION_SURVEY_SECONDS = 1.0
_SUBMISSION_SURVEYS: dict[tuple[tuple[int, ...], int], tuple[float, Survey]] = {}


@receiver(post_save, sender=Survey, dispatch_uid="submission-survey-cache")
def _forget_submission_surveys(**kwargs: Any) -> None:
    _SUBMISSION_SURVEYS.clear()


def survey_for_submission(*, actor: Actor, pk: int) -> Survey | None:
    """`survey_get` for API submissions, remembered for a second (they arrive in bursts)."""
    key = (tuple(sorted(actor.organization_ids())), pk)
    now = time.monotonic()
    hit = _SUBMISSION_SURVEYS.get(key)
    if hit is not None and now - hit[0] < SUBMISSION_SURVEY_SECONDS:
        return hit[1]
    survey = survey_get(actor=actor, pk=pk)
    if survey is not None:
        if len(_SUBMISSION_SURVEYS) >= 1024:
            _SUBMISSION_SURVEYS.clear()
        _SUBMISSION_SURVEYS[key] = (now, survey)
    return survey


def public_survey_get(*, slug: str) -> Survey | None:
    """A survey by its public slug (drafts included: the flow explains they are not open).

    With its organization and live version, cached per process until any of
    them changes (`flow_cache`).
    """
    return flow_cache.cached(
        "survey",
        slug,
        lambda: (
            Survey.objects.select_related("organization", "live_version").filter(slug=slug).first()
        ),
    )


def frame_ancestors_for(*, slug: str = "", link_code: str = "") -> list[str]:
    """The origins allowed to frame a survey's pages (by slug or channel link code)."""

    def load() -> list[str]:
        if link_code:
            surveys = Survey.objects.filter(channel_links__code=link_code)
        else:
            surveys = Survey.objects.filter(slug=slug)
        return list(surveys.values_list("organization__frame_ancestors", flat=True).first() or [])

    return flow_cache.cached("frame_ancestors", (slug, link_code), load)


def response_list(
    *,
    actor: Actor,
    roles: set[str] | None = None,
    survey_id: int | None = None,
    status: ResponseStatus | None = None,
    submitted_after: datetime | None = None,
    submitted_before: datetime | None = None,
) -> QuerySet[Response]:
    qs = Response.objects.filter(
        survey__organization_id__in=actor.organization_ids(roles)
    ).select_related("respondent", "survey", "version")
    if survey_id is not None:
        qs = qs.filter(survey_id=survey_id)
    if status:
        qs = qs.filter(status=status)
    if submitted_after:
        qs = qs.filter(submitted_at__gte=submitted_after)
    if submitted_before:
        qs = qs.filter(submitted_at__lt=submitted_before)
    return qs.order_by("-started_at", "-id")
