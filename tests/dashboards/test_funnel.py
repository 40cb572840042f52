"""The consent funnel, withdrawal and data-request rates, stated vs actual policy reading."""

import pytest

from dashboards import tasks
from dashboards.models import WithdrawalRollup
from dashboards.selectors.filters import MetricFilter
from dashboards.selectors.funnel import data_request_rate, funnel, policy_reading, withdrawal_rate
from dashboards.services import rollups_rebuild, scores_refresh
from surveys.consent.services.rights import consent_withdraw
from surveys.models import ConsentCounter
from surveys.responses.services.events import events_ingest
from tests.dashboards.helpers import analysed_survey, fill

pytestmark = pytest.mark.django_db
AT = "2026-11-20T12:00:00+00:00"


@pytest.fixture
def filled(org):
    survey = analysed_survey(org)
    fill(survey)
    return survey


def events(org, responses, kind):
    events_ingest(
        organization=org,
        events=[
            {
                "id": f"{kind}-{i}",
                "kind": kind,
                "value": True,
                "occurred_at": AT,
                "respondent_ref": r.respondent.respondent_ref,
            }
            for i, r in enumerate(responses)
        ],
    )
    scores_refresh(respondent_ids=[r.respondent_id for r in responses])


def test_policy_reading_and_data_requests(org, filled):
    responses = list(filled.responses.order_by("submitted_at"))
    events(org, responses[:6], "notice_opened")
    events(org, responses[:3], "data_access_request")
    flt = MetricFilter(survey=filled)
    reading = policy_reading(flt)
    # 10 of 17 say they always read (7 do not); 6 of the 17 measured respondents opened the
    # notice; 3 made a request: each share × 17 would give back a group under 10.
    assert reading.stated_always_read.suppressed is True
    assert reading.opened_notice.suppressed is True
    assert data_request_rate(flt).suppressed is True
    filled.organization.suppression_min_cell = 5
    filled.organization.save()
    flt = MetricFilter(survey=filled)
    reading = policy_reading(flt)
    assert (reading.stated_always_read.n, reading.stated_always_read.value) == (17, 10 / 17)
    assert (reading.opened_notice.n, reading.opened_notice.value) == (17, 6 / 17)
    assert data_request_rate(flt).suppressed is True  # 3 < 5
    filled.organization.suppression_min_cell = None
    filled.organization.save()
    reading = policy_reading(flt)
    # A repeated refresh changes nothing; a rebuild gives the same figures.
    assert scores_refresh(respondent_ids=[r.respondent_id for r in responses]) == 0
    rollups_rebuild(survey_id=filled.pk)
    assert policy_reading(flt) == reading
    north = MetricFilter(survey=filled, attributes={"region": "north"})
    # 10 of north's 12 say "always": the 2 who do not are a group under 10.
    assert policy_reading(north).stated_always_read.suppressed is True
    south = MetricFilter(survey=filled, attributes={"region": "south"})
    assert policy_reading(south).opened_notice.suppressed is True
    assert data_request_rate(south).suppressed is True


def test_funnel_counts_and_withdrawals(org, filled, django_capture_on_commit_callbacks):
    ConsentCounter.objects.update(shown=40)
    flt = MetricFilter(survey=filled)
    f = funnel(flt)
    assert (f.shown.n, f.consented.n, f.completed.n) == (40, 17, 17)
    assert (f.withdrawn.n, f.withdrawn.suppressed) == (0, False)  # nobody discloses no one
    assert withdrawal_rate(flt).value == 0.0
    gone = list(filled.responses.order_by("submitted_at")[:2])
    with django_capture_on_commit_callbacks(execute=True):
        for r in gone:
            consent_withdraw(respondent=r.respondent)
    # Partial withdrawal (an optional purpose) is not a withdrawal from the study.
    partial = filled.responses.order_by("submitted_at")[5]
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(respondent=partial.respondent, purposes=["behavioural_measurement"])
    assert WithdrawalRollup.objects.get().n == 2
    f = funnel(flt)
    assert (f.completed.n, f.withdrawn.suppressed) == (17, True)
    # 2 / 17 × 17 would give the 2 back.
    assert withdrawal_rate(flt).suppressed is True
    # A duplicated recompute of the same buckets counts nothing twice, nor does a rebuild.
    for r in gone:
        tasks.rollups_recompute(r.version_id, [r.submitted_at.isoformat()], [str(r.pk)], True)
    rollups_rebuild(survey_id=filled.pk)
    assert WithdrawalRollup.objects.get().n == 2
    filled.organization.suppression_min_cell = 5
    filled.organization.save()
    assert funnel(flt).withdrawn.suppressed is True  # 2 < 5
    by_region = MetricFilter(survey=filled, attributes={"region": "north"})
    f = funnel(by_region)
    # The notice's anonymous counts cannot be split by respondent.
    assert (f.shown.n, f.shown.suppressed, f.consented.n) == (None, False, None)
    assert f.completed.n == 12


def test_funnel_without_a_notice_or_data(org):
    survey = analysed_survey(org)
    f = funnel(MetricFilter(survey=survey))
    assert [x.suppressed for x in (f.shown, f.consented, f.completed, f.withdrawn)] == [True] * 4
    assert withdrawal_rate(MetricFilter(survey=survey)).value is None
    reading = policy_reading(MetricFilter(survey=survey))
    assert (reading.stated_always_read.n, reading.opened_notice.n) == (None, None)
