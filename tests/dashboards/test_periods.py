"""Partial periods: marked, never compared as if complete; notes that say what is true."""

import datetime as dt

import pytest

from dashboards import charts
from dashboards.charts import Point
from dashboards.panels.periods import compared, partial_note, period_end
from dashboards.selectors.filters import MetricFilter
from dashboards.services.disclosure import Figure
from tests.dashboards.dashdata import at, fill
from tests.factories import member
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db


def test_period_end_of_week_month_and_quarter():
    assert period_end(dt.date(2026, 11, 23), "week") == dt.date(2026, 11, 29)
    assert period_end(dt.date(2026, 11, 30), "week") == dt.date(2026, 11, 30)  # cut at the month
    assert period_end(dt.date(2026, 12, 1), "week") == dt.date(2026, 12, 6)
    assert period_end(dt.date(2026, 12, 1), "month") == dt.date(2026, 12, 31)
    assert period_end(dt.date(2026, 2, 1), "month") == dt.date(2026, 2, 28)
    assert period_end(dt.date(2026, 10, 1), "quarter") == dt.date(2026, 12, 31)


def test_partial_note_counts_the_days_the_range_covers(survey):
    today = dt.date(2026, 12, 2)
    # Ranges are whole months: the filter widens any other day to its month
    # (docs/DISCLOSURE.md, rule 7), so only today or a quarter cuts a period short.
    flt = MetricFilter(survey=survey, date_from=dt.date(2026, 9, 7))
    assert flt.date_from == dt.date(2026, 9, 1)
    assert partial_note(dt.date(2026, 12, 1), "month", flt, today) == "2 of 31 days"
    assert partial_note(dt.date(2026, 9, 1), "month", flt, today) == ""
    assert partial_note(dt.date(2026, 10, 1), "month", flt, today) == ""
    assert partial_note(dt.date(2026, 12, 1), "week", flt, today) == "2 of 6 days"
    november = MetricFilter(survey=survey, date_from=dt.date(2026, 11, 5))
    # November and the two days of December so far: 32 of the quarter's 92.
    assert partial_note(dt.date(2026, 10, 1), "quarter", november, today) == "32 of 92 days"
    ended = MetricFilter(survey=survey, date_to=dt.date(2026, 10, 11))
    assert partial_note(dt.date(2026, 10, 1), "month", ended, today) == ""
    assert partial_note(dt.date(2026, 10, 1), "quarter", ended, today) == "31 of 92 days"


def _p(label: str, value: float, partial: str = "") -> Point:
    return Point(label=label, figure=Figure(n=50, value=value), partial=partial)


def test_change_compares_the_last_two_complete_periods_and_names_them():
    points = [_p("2026-10", 40), _p("2026-11", 46), _p("2026-12", 90, "2 of 31 days")]
    assert compared(points, "month") == (6, "2026-11 vs 2026-10")
    assert compared([_p("2026-11", 46), _p("2026-12", 90, "2 of 31 days")], "month") == (
        None,
        "No change shown: fewer than two complete months in this range.",
    )
    assert compared([_p("2026-11", 46)], "month") == (None, "")


def test_trend_chart_draws_partial_periods_apart_and_leaves_them_out_of_its_sentence():
    chart = charts.trend_chart(
        key="responses",
        title="Responses",
        points=[_p("2026-10", 447), _p("2026-11", 430), _p("2026-12", 48, "2 of 31 days")],
        digits=0,
    )
    line, partial = chart.figure["data"]
    assert line["y"] == [447, 430, None]
    assert partial["name"] == "Partial period" and partial["line"]["dash"] == "dot"
    assert partial["y"] == [None, 430, 48]  # joined to its complete neighbour
    assert partial["marker"]["size"] == [0, 0, 9]
    assert chart.summary == (
        "Responses fell from 447 in 2026-10 to 430 in 2026-11. "
        "Partial periods (2026-12) are marked and left out of this comparison."
    )
    assert chart.rows[2][-1] == "2 of 31 days" and chart.rows[0][-1] == "complete"


@pytest.fixture
def filled(survey):
    fill(
        survey,
        [
            (at(2026, 1, 14), 12, "web", {"trust_brand": 5}),
            (at(2026, 2, 11), 12, "email", {"trust_brand": 1}),
            (at(2026, 2, 12), 3, "qr", {}),
        ],
    )
    return survey


def test_a_range_ending_mid_quarter_shows_no_change_and_says_why(client, org, filled):
    fill(filled, [(at(2026, 4, 8), 12, "web", {"trust_brand": 3})])
    login_verified(client, member(org, "analyst"))
    url = f"/studio/{org.slug}/dashboards/surveys/{filled.pk}/data/"
    query = "?period=custom&from=2026-01-01&to=2026-04-12&granularity=quarter"  # to 30 April
    body = client.get(url + "kpis/" + query).json()
    trust = next(k for k in body["kpis"] if k["key"] == "trust_index")
    assert trust["change"] == ""
    assert trust["compared"] == "No change shown: fewer than two complete quarters in this range."
    assert body["note"].endswith("partial periods are not compared: 2026-Q2 (30 of 91 days).")
    trends = client.get(url + "trends/" + query).json()["charts"]
    responses = next(c for c in trends if c["key"] == "responses_trend")
    assert responses["summary"] == (
        "Responses was 27 in 2026-Q1. "
        "Partial periods (2026-Q2) are marked and left out of this comparison."
    )


def test_completion_rate_under_a_segment_filter_is_not_available_not_unmeasured(
    client, org, filled
):
    login_verified(client, member(org, "analyst"))
    url = f"/studio/{org.slug}/dashboards/surveys/{filled.pk}/data/kpis/?period=all"
    cards = {k["key"]: k for k in client.get(url + "&channel=web").json()["kpis"]}
    assert cards["completion_rate"]["value"] == "–"
    assert cards["completion_rate"]["note"] == (
        "Not available with this filter: the consent notice's counts are not split by "
        "segment or version."
    )
    cards = {k["key"]: k for k in client.get(url).json()["kpis"]}
    assert cards["completion_rate"]["note"] != cards["privacy_actives_share"]["note"]
    assert cards["privacy_actives_share"]["note"] == "Not measured by this survey."
