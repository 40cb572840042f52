"""SQL statements per respondent request of the web flow (landing to thanks).

Each limit pins the current number: a change that adds a query to the
respondent's path fails here first (docs/PERFORMANCE.md, the web flow).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.surveys.public_flow import (
    ABOUT,
    AGREE,
    ATTITUDES,
    HABITS,
    IMPROVE,
    RECOMMEND,
    url,
)

pytestmark = pytest.mark.django_db

# Statements per request, as measured (a first visit with a fresh session).
# The landing page's consent counter is on its row here (test settings); with
# Redis (production) it is an INCR instead: test_consent_counters.py.
# Before this work: landing 14, consent 23, page 7, page POST 16, last 28, thanks 12.
# The thank-you page: 2 once the process knows the survey has no follow-ups (flow cache).
LIMITS = {
    "landing": 10,
    "consent_post": 8,
    "page_get": 2,
    "page_post": 7,
    "last_post": 8,
    "thanks": 3,
}


# Elsewhere than on PostgreSQL a response's consent records take a query of their own.
ELSEWHERE = {"page_get": 1, "page_post": 1, "last_post": 1, "thanks": 1}


def counted(client, step: str, path: str, data: dict | None = None):
    with CaptureQueriesContext(connection) as ctx:
        res = client.get(path) if data is None else client.post(path, data)
    limit = LIMITS[step] + (0 if connection.vendor == "postgresql" else ELSEWHERE.get(step, 0))
    assert len(ctx.captured_queries) <= limit, "\n".join(
        q["sql"][:200] for q in ctx.captured_queries
    )
    return res


def test_each_respondent_request_stays_within_its_queries(client, survey):
    counted(client, "landing", url(survey))
    res = counted(client, "consent_post", url(survey), AGREE)
    assert res.status_code == 302
    pages = [("attitudes", ATTITUDES), ("habits", HABITS), ("recommend", RECOMMEND)]
    pages += [("improve", IMPROVE)]
    for section, data in pages:
        res = counted(client, "page_get", url(survey, "p", section))
        assert res.status_code == 200
        res = counted(client, "page_post", url(survey, "p", section), data)
        assert res.status_code == 302, res.content.decode()[:2000]
    counted(client, "page_get", url(survey, "p", "about_you"))
    res = counted(client, "last_post", url(survey, "p", "about_you"), ABOUT)
    assert res["Location"] == url(survey, "thanks")
    res = counted(client, "thanks", url(survey, "thanks"))
    assert res.status_code == 200
