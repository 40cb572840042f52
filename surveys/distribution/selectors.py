"""Reads of distribution data: surveys, channel links, invitation batches (one organization)."""

from django.db.models import Count, Q, QuerySet

from ..enums import ResponseStatus
from ..models import ChannelLink, InvitationBatch, InvitationRecipient, Organization, Survey


def distribution_surveys(*, organization: Organization) -> QuerySet[Survey]:
    """The organization's surveys with how many active channel links each has."""
    return (
        Survey.objects.filter(organization=organization)
        .annotate(
            active_links=Count("channel_links", filter=Q(channel_links__revoked_at__isnull=True))
        )
        .order_by("-created_at", "-id")
    )


def distribution_survey_get(*, organization: Organization, pk: int) -> Survey | None:
    return (
        Survey.objects.filter(organization=organization, pk=pk)
        .select_related("organization")
        .first()
    )


def channel_link_list(*, survey: Survey) -> QuerySet[ChannelLink]:
    """A survey's links, newest first, with responses started and completed through each."""
    return (
        ChannelLink.objects.filter(survey=survey)
        .select_related("created_by")
        .annotate(
            started=Count("responses"),
            completed=Count("responses", filter=Q(responses__status=ResponseStatus.COMPLETE)),
        )
        .order_by("-created_at", "-id")
    )


def channel_link_active(*, code: str) -> ChannelLink | None:
    return (
        ChannelLink.objects.select_related("survey__organization")
        .filter(code=code, revoked_at__isnull=True)
        .first()
    )


def invitation_batch_list(*, survey: Survey) -> QuerySet[InvitationBatch]:
    """A survey's invitation batches with their counts (invited, sent, responded, …)."""
    return (
        InvitationBatch.objects.filter(survey=survey)
        .select_related("created_by")
        .annotate(
            invited=Count("recipients"),
            sent=Count("recipients", filter=Q(recipients__sent_at__isnull=False)),
            waiting=Count("recipients", filter=~Q(recipients__email="")),
            reminded=Count("recipients", filter=Q(recipients__reminded_at__isnull=False)),
            responded=Count(
                "recipients",
                filter=Q(recipients__response__status=ResponseStatus.COMPLETE),
            ),
            unsubscribed=Count("recipients", filter=Q(recipients__unsubscribed_at__isnull=False)),
        )
        .order_by("-created_at", "-id")
    )


def invitation_batches_waiting() -> list[int]:
    """Batches with emails not sent yet (the sweep's work after a broker outage)."""
    return list(
        InvitationRecipient.objects.exclude(email="")
        .values_list("batch_id", flat=True)
        .distinct()
        .order_by("batch_id")
    )
