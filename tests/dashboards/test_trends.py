"""Metrics by week, month and quarter, grouped in SQL from the rollups' day."""

import datetime as dt

import pytest

from dashboards.selectors.filters import MetricFilter
from dashboards.selectors.metrics import overview
from dashboards.selectors.trends import period_label, period_start, trends
from tests.dashboards.dashdata import at, fill
from tests.factories import member
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(survey):
    fill(
        survey,
        [
            (at(2026, 1, 14), 12, "web", {"trust_brand": 5}),
            (at(2026, 2, 11), 12, "email", {"trust_brand": 1}),
            (at(2026, 3, 4), 3, "web", {}),
            (at(2026, 4, 8), 10, "web", {"trust_brand": 3}),
        ],
    )
    return survey


def test_period_labels_and_starts():
    import datetime as dt

    day = dt.date(2026, 2, 11)
    assert period_label(period_start(day, "week"), "week") == "2026-W07"
    assert period_start(day, "week") == dt.date(2026, 2, 9)
    # A week is cut at a month's start (the disclosure grid): Sunday 1 March 2026 is a part
    # of ISO week 9 of its own.
    assert period_start(dt.date(2026, 3, 1), "week") == dt.date(2026, 3, 1)
    assert period_label(dt.date(2026, 3, 1), "week") == "2026-W09 (2026-03-01…)"
    assert period_start(dt.date(2026, 2, 28), "week") == dt.date(2026, 2, 23)
    assert period_label(period_start(day, "month"), "month") == "2026-02"
    assert period_label(period_start(day, "quarter"), "quarter") == "2026-Q1"


def test_monthly_trends_suppress_small_periods(spread):
    t = trends(MetricFilter(survey=spread), granularity="month")
    assert [p.label for p in t.periods] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    # March's 3 is withheld, and so is the total over all months (rule 7: it holds a small
    # month), so no other month has to go with March.
    assert [p.responses.n for p in t.periods] == [12, 12, None, 10]
    assert t.periods[2].responses.suppressed and t.periods[2].trust_index.suppressed
    # trust_brand on 1..5 maps to [0, 1]: 5 → 1.0, 1 → 0.0, 3 → 0.5.
    assert [p.trust_index.value for p in t.periods] == [1.0, 0.0, None, 0.5]
    assert t.total.responses.suppressed
    # Without March, the total is published, and the months are a line against it.
    spring = trends(MetricFilter(survey=spread, date_to=dt.date(2026, 2, 28)), granularity="month")
    assert [p.responses.n for p in spring.periods] == [12, 12]
    assert spring.total.responses.n == 24


def test_quarterly_trends_and_total_equal_overview(spread):
    flt = MetricFilter(survey=spread)
    t = trends(flt, granularity="quarter")
    # Q1 holds March's 3: Q1's 27 minus the monthly trend's January and
    # February would give them (rule 7: a period is withheld with any of its cells).
    assert [(p.label, p.responses.n) for p in t.periods] == [("2026-Q1", None), ("2026-Q2", 10)]
    flt = MetricFilter(survey=spread, date_from=dt.date(2026, 4, 1))
    t = trends(flt, granularity="quarter")
    o = overview(flt)
    assert t.total.trust_index.value == pytest.approx(o.trust_index.value, abs=1e-12)
    assert t.total.privacy_concern_index.value == pytest.approx(
        o.privacy_concern_index.value, abs=1e-12
    )
    assert t.total.paradox_gap == o.paradox_gap


def test_weekly_trends_and_query_count(spread, django_assert_max_num_queries):
    flt = MetricFilter(survey=spread)
    with django_assert_max_num_queries(8):
        t = trends(flt, granularity="week")
    assert [p.label for p in t.periods] == ["2026-W03", "2026-W07", "2026-W10", "2026-W15"]


def test_unknown_granularity():
    with pytest.raises(ValueError):
        trends(None, granularity="day")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "role, status", [("admin", 200), ("analyst", 200), ("researcher", 200), ("author", 403)]
)
def test_trends_api_roles(client, org, spread, role, status):
    login_verified(client, member(org, role))
    r = client.get(f"/api/v1/metrics/surveys/{spread.pk}/trends/?granularity=quarter")
    assert r.status_code == status


def test_trends_api_body_errors_and_other_org(client, org, other_org, spread):
    login_verified(client, member(org, "analyst"))
    url = f"/api/v1/metrics/surveys/{spread.pk}/trends/"
    body = client.get(url + "?granularity=month&from=2026-02-01").json()
    assert body["granularity"] == "month"
    assert [p["label"] for p in body["periods"]] == ["2026-02", "2026-03", "2026-04"]
    assert body["periods"][1]["responses"] == {
        "n": None,
        "value": None,
        "ci_low": None,
        "ci_high": None,
        "suppressed": True,
    }
    assert body["total"]["label"] == "total" and body["total"]["start"] is None
    r = client.get(url + "?granularity=day")
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "granularity"
    login_verified(client, member(other_org, "analyst"))
    assert client.get(url).status_code == 404
