"""The seeded demo: the holdout panel shows figures with intervals, and a demo
respondent's quarterly report matches their audit log."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from dashboards.selectors.holdout import holdout_comparison
from surveys.enums import DeliveryGroup
from surveys.models import FollowUpDelivery, Respondent, User
from surveys.touchpoints.reports import Quarter, privacy_report, respondent_audit
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 12, 3, 12))


def test_the_demo_shows_the_holdout_comparison_and_a_report_matching_the_audit_log(
    django_capture_on_commit_callbacks,
):
    from surveys.demo.seed import seed_demo

    with django_capture_on_commit_callbacks(execute=True):  # the aggregation it queues
        result = seed_demo(now=NOW, quiz_responses=0)
    org = result.organization
    comparison = holdout_comparison(organization_id=org.pk, min_cell=org.min_cell)
    for arm in (comparison.touched, comparison.holdout):
        assert not arm.people.suppressed
        assert not arm.trust.suppressed
        assert arm.trust.ci_low < arm.trust.value < arm.trust.ci_high
    assert not comparison.trust_difference.suppressed
    assert comparison.trust_difference.ci_low is not None

    client = Client()
    login_verified(client, User.objects.get(username="demo-analyst"))
    page = client.get(f"/studio/{org.slug}/dashboards/").content.decode()
    assert "Do follow-ups build trust?" in page
    assert page.count("(95% CI") >= 4

    delivery = (
        FollowUpDelivery.objects.filter(group=DeliveryGroup.TOUCHED, status="sent")
        .order_by("-created_at")
        .first()
    )
    respondent = Respondent.objects.get(pk=delivery.respondent_key)
    quarter = Quarter.of(timezone.localdate(delivery.created_at))
    report = privacy_report(respondent=respondent, quarter=quarter)
    start = dt.datetime.combine(quarter.starts, dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(quarter.ends, dt.time(), tzinfo=dt.UTC)
    import zoneinfo

    zone = zoneinfo.ZoneInfo(org.timezone)
    start, end = start.replace(tzinfo=zone), end.replace(tzinfo=zone)
    audit = list(respondent_audit(respondent, start, end).values_list("action", "created_at"))
    assert [(a["action"], a["at"]) for a in report.activity] == audit
    assert "follow_up.sent" in [a for a, _ in audit]
    assert [u.what for u in report.uses].count("follow_up") == 1
