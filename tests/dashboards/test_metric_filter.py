"""The metrics API and the dashboard pages read the filter through one serializer."""

import pytest
from django.http import QueryDict

from dashboards.metric_filter import MetricFilterSerializer, field_errors
from tests.factories import member
from tests.fixtures import login_verified

pytestmark = pytest.mark.django_db


def parsed(survey, query, **context):
    s = MetricFilterSerializer(data=QueryDict(query), context={"survey": survey, **context})
    return s.metric_filter() if s.is_valid() else field_errors(s.errors)


def test_the_filter_from_every_parameter(survey):
    flt = parsed(
        survey, "from=2026-01-02&to=2026-02-03&version=2&version=&channel=qr&include_flagged=false"
    )
    # Widened to whole grid cells (docs/DISCLOSURE.md, rule 7): calendar months.
    assert (flt.date_from.isoformat(), flt.date_to.isoformat()) == ("2026-01-01", "2026-02-28")
    assert (flt.versions, flt.segments) == ([2], {"channel": "qr"})
    assert parsed(survey, "quality=clean").segments == {}
    assert parsed(survey, "").versions is None


def test_flagged_responses_cannot_be_counted_in(survey):
    """Quality-flagged responses are left out of every published figure: no switch adds them."""
    for query in ("quality=all", "include_flagged=true", "include_flagged=1"):
        errors = parsed(survey, query)
        assert [(e["field"], e["code"]) for e in errors] == [(query.split("=")[0], "invalid")]
        assert errors[0]["message"].startswith("Quality-flagged responses are left out")


def test_every_rule_reports_its_field(survey):
    errors = parsed(survey, "from=2026-1-x&version=v2&quality=some&locale=" + "x" * 65)
    assert [(e["field"], e["code"]) for e in errors] == [
        ("from", "invalid"),
        ("version", "invalid"),
        ("quality", "invalid"),
        ("locale", "invalid"),
    ]
    assert errors[0]["message"] == "Enter a date as YYYY-MM-DD."


def test_the_first_day_may_not_follow_the_last_given_or_from_the_period(survey):
    import datetime as dt

    errors = parsed(survey, "from=2026-02-01&to=2026-01-31")
    assert errors == [
        {
            "field": "to",
            "code": "before_from",
            "message": "The last day comes before the first day.",
        }
    ]
    assert parsed(survey, "to=2026-01-31", default_from=dt.date(2026, 3, 1))[0]["field"] == "to"
    assert parsed(survey, "to=2026-03-01", default_from=dt.date(2026, 3, 1)).date_from == dt.date(
        2026, 3, 1
    )


def test_attributes_must_be_declared_and_given_once(survey):
    assert parsed(survey, "attribute=region")[0]["message"] == "As name:value, e.g. region:north."
    assert parsed(survey, "attribute=region:n")[0]["message"] == (
        "Not declared by this survey: region."
    )


def test_the_api_and_the_pages_refuse_the_same_filter(client, org, survey):
    login_verified(client, member(org, "analyst"))
    api = client.get(f"/api/v1/metrics/surveys/{survey.pk}/overview/?from=2026-02-01&to=2026-01-01")
    assert api.status_code == 400
    assert api.json()["errors"] == [
        {
            "field": "to",
            "code": "before_from",
            "message": "The last day comes before the first day.",
        }
    ]
    page = client.get(
        f"/studio/{org.slug}/dashboards/surveys/{survey.pk}/data/kpis/"
        "?period=custom&from=2026-02-01&to=2026-01-01"
    )
    assert page.status_code == 400
    assert page.json()["errors"] == api.json()["errors"]
    long = "x" * 65
    api = client.get(f"/api/v1/metrics/surveys/{survey.pk}/overview/?channel={long}")
    assert api.json()["errors"][0]["field"] == "channel"
