"""Two workers race over 500 triggered rewards and a pool of 300 codes (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from surveys.enums import DeliveryGroup, FollowUpStatus
from surveys.models import FollowUp, FollowUpDelivery, RewardCode
from surveys.touchpoints import services
from tests.factories import OrganizationFactory

from .helpers import follow_up_data, touchpoint_quiz

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED needs PostgreSQL")
def test_two_workers_issue_each_code_once_and_report_the_rest_unavailable():
    quiz = touchpoint_quiz(OrganizationFactory())
    follow_up = services.follow_up_save(survey=quiz, data=follow_up_data(body={}, subject={}))
    services.reward_codes_upload(
        follow_up=follow_up, text="\n".join(f"C{i:03}" for i in range(300))
    )
    FollowUpDelivery.objects.bulk_create(
        FollowUpDelivery(
            follow_up=follow_up, group=DeliveryGroup.TOUCHED, status=FollowUpStatus.SHOWN
        )
        for _ in range(500)
    )
    ids = list(FollowUpDelivery.objects.order_by("pk").values_list("pk", flat=True))
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker(order: list[int]) -> None:
        try:
            start.wait()
            for pk in order:  # each worker also retries every delivery the other one took
                services.reward_issue(delivery_id=pk)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=worker, args=(ids,)),
        threading.Thread(target=worker, args=(ids[::-1],)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []

    deliveries = FollowUpDelivery.objects.filter(follow_up=follow_up)
    issued = list(deliveries.exclude(reward_code=None).values_list("reward_code_id", flat=True))
    assert len(issued) == 300
    assert len(set(issued)) == 300
    assert deliveries.filter(reward_code=None, reward_unavailable=True).count() == 200
    assert deliveries.filter(reward_unavailable=True).exclude(reward_code=None).count() == 0
    assert RewardCode.objects.filter(follow_up=follow_up, issued_at=None).count() == 0
    assert FollowUp.objects.get(pk=follow_up.pk).codes.count() == 300
