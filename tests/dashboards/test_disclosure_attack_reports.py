"""The analyst against the transparency report: its totals beside the metrics API's figures.

A quarter's "responses collected" counts every survey of the organization;
the metrics API publishes each survey's count over the same quarter. The
report's total minus the surveys the API shows must not give a small one
away, on the report's data, its page and the public transparency page.
"""

import datetime as dt
import re

import pytest

from dashboards.models import ResponseRollup
from dashboards.reports.periods import ReportPeriod
from dashboards.reports.services import report_generate
from tests.api.helpers import key_client
from tests.dashboards.helpers import analysed_survey

pytestmark = pytest.mark.django_db

Q3 = ReportPeriod(year=2026, quarter=3)


def _responses(survey, day: dt.date, n: int) -> None:
    ResponseRollup.objects.create(
        version=survey.live_version, day=day, age_band="a30_44", locale="en", channel="web", n=n
    )


def published(org, surveys) -> list[int | None]:
    """Each survey's responses over the quarter as the metrics API gives them."""
    client = key_client(org, ["metrics:read"])
    out = []
    for survey in surveys:
        body = client.get(
            f"/api/v1/metrics/surveys/{survey.pk}/overview/",
            {"from": "2026-07-01", "to": "2026-09-30"},
        ).json()
        out.append(body["responses"]["n"])
    return out


@pytest.mark.parametrize(("small_survey", "shown"), [(3, None), (12, 52)])
def test_report_total_gives_no_survey_away(client, org, small_survey, shown):
    org.transparency_report_public = True
    org.save()
    big, other = analysed_survey(org), analysed_survey(org)
    _responses(big, dt.date(2026, 8, 5), 40)
    _responses(other, dt.date(2026, 8, 12), small_survey)
    api = published(org, [big, other])
    assert api == [40, None if small_survey < 10 else small_survey]
    report = report_generate(organization=org, period=Q3)
    assert report.data["responses"]["n"] == shown
    year = report_generate(organization=org, period=ReportPeriod(year=2026, quarter=0))
    assert year.data["responses"]["n"] == shown
    for data in (report.data, year.data):
        total = data["responses"]["n"]
        if total is not None:
            rest = total - sum(n for n in api if n is not None)
            assert rest == 0 or rest >= org.min_cell
    html = client.get(f"/transparency/{org.slug}/2026-Q3/").content.decode()
    # The numbers a reader sees (tags, nonces, ids, dates and clock times such as
    # "Generated 2026-12-03 19:43" left out): 43 is never one of them.
    numbers = re.findall(r"(?<![\w.:-])\d+(?![\w.:-])", re.sub(r"<[^>]*>", " ", html))
    assert "43" not in numbers
    if shown:
        assert str(shown) in numbers
