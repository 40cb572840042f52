"""Touchpoint reads, scoped to an organization."""

from django.db.models import Count, Q, QuerySet

from ..enums import DeliveryGroup, FollowUpStatus
from ..models import FollowUp, Survey


def follow_up_list(*, organization_id: int) -> QuerySet[FollowUp]:
    """The organization's follow-ups with their pool and delivery counts."""
    return (
        FollowUp.objects.filter(survey__organization_id=organization_id)
        .select_related("survey")
        .annotate(
            codes_total=Count("codes", distinct=True),
            codes_remaining=Count("codes", filter=Q(codes__issued_at=None), distinct=True),
            sent=Count(
                "deliveries",
                filter=Q(deliveries__status__in=[FollowUpStatus.SENT, FollowUpStatus.SHOWN]),
                distinct=True,
            ),
            waiting=Count(
                "deliveries",
                filter=Q(deliveries__status=FollowUpStatus.AWAITING_EMAIL),
                distinct=True,
            ),
            held_out=Count(
                "deliveries", filter=Q(deliveries__group=DeliveryGroup.HOLDOUT), distinct=True
            ),
            unavailable=Count(
                "deliveries", filter=Q(deliveries__reward_unavailable=True), distinct=True
            ),
        )
        .order_by("survey__slug", "name", "pk")
    )


def follow_up_get(*, organization_id: int, pk: int) -> FollowUp | None:
    return follow_up_list(organization_id=organization_id).filter(pk=pk).first()


def survey_choices(*, organization_id: int) -> QuerySet[Survey]:
    return Survey.objects.filter(organization_id=organization_id).order_by("slug")
