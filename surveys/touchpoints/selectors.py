"""Touchpoint reads, scoped to an organization."""

from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ..enums import DeliveryGroup, FollowUpStatus
from ..models import FollowUp, FollowUpDelivery, RewardCode, Survey


def _count(model: Any, **filters: Any) -> Coalesce:
    """How many rows of `model` belong to the follow-up, as a subquery (not a join:
    joining both codes and deliveries multiplies them, thousands by thousands)."""
    rows = (
        model.objects.filter(follow_up=OuterRef("pk"), **filters)
        .order_by()
        .values("follow_up")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def follow_up_list(*, organization_id: int) -> QuerySet[FollowUp]:
    """The organization's follow-ups with their pool and delivery counts."""
    return (
        FollowUp.objects.filter(survey__organization_id=organization_id)
        .select_related("survey")
        .annotate(
            codes_total=_count(RewardCode),
            codes_remaining=_count(RewardCode, issued_at=None),
            sent=_count(FollowUpDelivery, status__in=[FollowUpStatus.SENT, FollowUpStatus.SHOWN]),
            waiting=_count(FollowUpDelivery, status=FollowUpStatus.AWAITING_EMAIL),
            held_out=_count(FollowUpDelivery, group=DeliveryGroup.HOLDOUT),
            unavailable=_count(FollowUpDelivery, reward_unavailable=True),
        )
        .order_by("survey__slug", "name", "pk")
    )


def follow_up_get(*, organization_id: int, pk: int) -> FollowUp | None:
    return follow_up_list(organization_id=organization_id).filter(pk=pk).first()


def survey_choices(*, organization_id: int) -> QuerySet[Survey]:
    return Survey.objects.filter(organization_id=organization_id).order_by("slug")
