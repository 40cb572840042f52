"""The holdout comparison on the dashboards overview: figures, intervals, suppression."""

import datetime as dt

import pytest
from django.utils import timezone

from dashboards.models import ResponseScore
from dashboards.selectors.holdout import holdout_comparison
from surveys.enums import DeliveryGroup, FollowUpStatus, ResponseStatus
from surveys.models import FollowUpDelivery, Respondent, Response
from surveys.touchpoints import services
from tests.factories import OrganizationFactory
from tests.fixtures import login_verified
from tests.surveys.touchpoints.helpers import follow_up_data, touchpoint_quiz

pytestmark = pytest.mark.django_db

MONTH = timezone.make_aware(dt.datetime(2026, 9, 10, 12))


def person(quiz, follow_up, i, group, *, trust=None, withdrawn=False, when=MONTH):
    respondent = Respondent.objects.create(organization=quiz.organization, respondent_ref=f"H{i}")
    first = Response.objects.create(
        respondent=respondent,
        survey=quiz,
        version=quiz.live_version,
        status=ResponseStatus.COMPLETE,
        submitted_at=when,
    )
    delivery = FollowUpDelivery.objects.create(
        follow_up=follow_up,
        response=first,
        respondent_key=respondent.pk,
        group=group,
        status=FollowUpStatus.SENT if group == DeliveryGroup.TOUCHED else FollowUpStatus.HOLDOUT,
        withdrawn_at=when + dt.timedelta(days=3) if withdrawn else None,
    )
    FollowUpDelivery.objects.filter(pk=delivery.pk).update(created_at=when)
    if trust is not None:
        later = Response.objects.create(
            respondent=respondent,
            survey=quiz,
            version=quiz.live_version,
            status=ResponseStatus.COMPLETE,
            submitted_at=when + dt.timedelta(days=20),
        )
        ResponseScore.objects.create(
            version=quiz.live_version,
            day=later.submitted_at.date(),
            locale="en",
            channel="web",
            response_id=later.pk,
            respondent_id=respondent.pk,
            constructs={"trust_brand": {"mean": str(trust), "raw_sum": "0", "raw_n": 1}},
        )


@pytest.fixture
def quiz():
    return touchpoint_quiz(OrganizationFactory())


@pytest.fixture
def follow_up(quiz):
    return services.follow_up_save(survey=quiz, data=follow_up_data())


def test_the_groups_are_compared_on_later_responses_with_intervals(quiz, follow_up):
    for i in range(20):
        person(quiz, follow_up, i, "touched", trust=0.8 if i % 2 else 0.6, withdrawn=i < 10)
    for i in range(20, 32):
        person(quiz, follow_up, i, "holdout", trust=0.5, withdrawn=i < 30)
    result = holdout_comparison(organization_id=quiz.organization_id, min_cell=10)
    assert result.touched.people.n == 20
    assert result.holdout.people.n == 12
    assert result.touched.trust.value == pytest.approx(0.7)
    assert result.touched.trust.ci_low < 0.7 < result.touched.trust.ci_high
    assert result.holdout.trust.value == pytest.approx(0.5)
    assert result.trust_difference.value == pytest.approx(0.2)
    assert result.trust_difference.ci_low > 0  # a clear difference
    assert result.touched.withdrawal.value == pytest.approx(10 / 20)
    assert result.touched.withdrawal.ci_low < 0.5 < result.touched.withdrawal.ci_high
    # 10 of 12 withdrew in the holdout: the 2 who did not are a small rest → withheld.
    assert result.holdout.withdrawal.suppressed
    assert result.withdrawal_difference.suppressed


def test_small_groups_and_small_months_are_withheld(quiz, follow_up):
    for i in range(12):
        person(quiz, follow_up, i, "touched", trust=0.7)
    for i in range(12, 15):  # three people in another month: the month grid withholds the group
        person(quiz, follow_up, i, "touched", trust=0.7, when=MONTH + dt.timedelta(days=30))
    for i in range(15, 19):
        person(quiz, follow_up, i, "holdout", trust=0.4)
    result = holdout_comparison(organization_id=quiz.organization_id, min_cell=10)
    assert result.touched.people.suppressed and result.touched.trust.suppressed
    assert result.holdout.people.suppressed
    assert result.trust_difference.suppressed


def test_the_overview_shows_the_panel(client, quiz, follow_up):
    from tests.factories import member

    for i in range(12):
        person(quiz, follow_up, i, "touched", trust=0.7)
    for i in range(12, 24):
        person(quiz, follow_up, i, "holdout", trust=0.6)
    login_verified(client, member(quiz.organization, "analyst"))
    page = client.get(f"/studio/{quiz.organization.slug}/dashboards/").content.decode()
    assert "Do follow-ups build trust?" in page
    assert "70.0 (95% CI" in page
    assert "+10.0 (95% CI" in page
