"""List endpoints cost the same number of queries for 1 row as for many (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.accounts.services.accounts import api_key_create
from surveys.enums import ApiScope
from surveys.responses.services.write import response_submit
from tests.factories import COMFORT_ANSWERS, CONSENT, live_survey

from .helpers import key_client, user_client

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def grow(org, survey, n: int) -> None:
    for i in range(n):
        response_submit(survey=survey, answers=COMFORT_ANSWERS, consent=CONSENT)
        live_survey(org)
        api_key_create(organization=org, name=f"k{i}", scopes=["surveys:read"])


LISTS = [
    "/api/v1/surveys/",
    "/api/v1/responses/",
    "/api/v1/surveys/{survey}/responses/",
    "/api/v1/surveys/{survey}/versions/",
    "/api/v1/surveys/{survey}/sections/",
    "/api/v1/surveys/{survey}/questions/",
    "/api/v1/surveys/{survey}/sections/attitudes/questions/",
    "/api/v1/organizations/{org}/api-keys/",
]


@pytest.mark.parametrize("url", LISTS)
def test_list_queries_do_not_grow_with_rows(org, users, survey, url, django_assert_num_queries):
    url = url.format(survey=survey.pk, org=org.pk)
    client = user_client(users["admin"])
    grow(org, survey, 1)
    one = queries(client, url)
    grow(org, survey, 4)
    with django_assert_num_queries(one):
        client.get(url)


@pytest.mark.parametrize(
    ("url", "most"),
    [
        ("/api/v1/surveys/", 4),
        # + 1: the check for accepted submissions not yet written out
        ("/api/v1/responses/", 8),
        ("/api/v1/surveys/{survey}/responses/", 9),
    ],
)
def test_list_queries_with_a_key(org, survey, url, most, django_assert_max_num_queries):
    """A key's first use also records `last_used_at` (one UPDATE)."""
    client = key_client(org, ApiScope.values)
    grow(org, survey, 5)
    with django_assert_max_num_queries(most):
        response = client.get(url.format(survey=survey.pk))
    assert response.json()["count"] >= 5
